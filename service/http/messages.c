/* The texts of problem documents. Database functions raise short reasons
 * (e.g. 'plan_not_draft'); this table turns them into sentences. */
#include "http/messages.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct msg MSG_BODY_REQUIRED = {"Se requiere un cuerpo JSON.", "A JSON body is required."};
const struct msg MSG_BODY_NOT_JSON = {"El cuerpo no es JSON válido.", "The body is not valid JSON."};
const struct msg MSG_BODY_TOO_DEEP = {"El JSON está anidado demasiado profundamente.",
                                      "The JSON is nested too deeply."};
const struct msg MSG_MEDIA_TYPE = {"El cuerpo debe enviarse como application/json.",
                                   "The body must be sent as application/json."};
const struct msg MSG_TOO_LARGE = {"El cuerpo de la solicitud es demasiado grande.",
                                  "The request body is too large."};
const struct msg MSG_TOKEN_REQUIRED = {"Se requiere un token de acceso.",
                                       "An access token is required."};
const struct msg MSG_TOKEN_INVALID = {"El token de acceso no es válido o ha caducado.",
                                      "The access token is invalid or expired."};
const struct msg MSG_ROLE = {"Su rol no permite esta operación.",
                             "Your role does not allow this operation."};
const struct msg MSG_BAD_PARAM = {"Un parámetro de la consulta no es válido.",
                                  "A query parameter is invalid."};
const struct msg MSG_BAD_CURSOR = {"El cursor de paginación no es válido.",
                                   "The pagination cursor is invalid."};
const struct msg MSG_NO_ROUTE = {"No existe ese recurso.", "There is no such resource."};
const struct msg MSG_METHOD = {"El método no está permitido para este recurso.",
                               "The method is not allowed for this resource."};
const struct msg MSG_DB_DOWN = {"El servicio no está disponible por el momento; intente de nuevo.",
                                "The service is unavailable right now; try again."};
const struct msg MSG_BAD_ID = {"El identificador no es válido.", "The identifier is invalid."};
const struct msg MSG_NOT_ACCEPTABLE = {"No se puede responder en el formato pedido.",
                                       "Cannot answer in the requested format."};

static const struct {
	int status;
	const char *title;
	struct msg detail;
} statuses[] = {
	{400, "Bad Request", {"La solicitud no es válida.", "The request is malformed."}},
	{401, "Unauthorized", {"Se requiere autenticación.", "Authentication is required."}},
	{403, "Forbidden", {"No tiene permiso para esta operación.",
	                    "You are not allowed to do this."}},
	{404, "Not Found", {"El recurso no existe.", "The resource does not exist."}},
	{405, "Method Not Allowed", {"Método no permitido.", "Method not allowed."}},
	{406, "Not Acceptable", {"Formato no aceptable.", "Not acceptable."}},
	{409, "Conflict", {"La operación choca con el estado actual del recurso.",
	                   "The operation conflicts with the resource's current state."}},
	{412, "Precondition Failed", {"El recurso cambió desde que lo leyó (If-Match).",
	                              "The resource changed since you read it (If-Match)."}},
	{413, "Content Too Large", {"El cuerpo es demasiado grande.", "The body is too large."}},
	{415, "Unsupported Media Type", {"Tipo de contenido no soportado.",
	                                 "Unsupported content type."}},
	{422, "Unprocessable Content", {"Los datos enviados no son válidos.",
	                                "The data sent is invalid."}},
	{429, "Too Many Requests", {"Demasiadas solicitudes; espere antes de reintentar.",
	                            "Too many requests; wait before retrying."}},
	{500, "Internal Server Error", {"Error interno.", "Internal error."}},
	{503, "Service Unavailable", {"Servicio no disponible.", "Service unavailable."}},
};

static const struct {
	const char *reason;
	struct msg m;
} reasons[] = {
	{"plan_not_found", {"El plan no existe.", "The plan does not exist."}},
	{"plan_not_draft", {"El plan ya no está en borrador: su estructura no se puede cambiar.",
	                    "The plan is no longer a draft: its structure cannot change."}},
	{"plan_not_approved", {"El plan no está aprobado.", "The plan is not approved."}},
	{"plan_closed", {"El plan está cerrado y es de solo lectura.",
	                 "The plan is closed and read-only."}},
	{"plan_needs_elaborated_by", {"El plan necesita 'elaborated_by' para aprobarse.",
	                              "The plan needs 'elaborated_by' to be approved."}},
	{"plan_needs_axes", {"El plan necesita al menos un eje para aprobarse.",
	                     "The plan needs at least one axis to be approved."}},
	{"axes_plan_id_number_key", {"Ya existe un eje con ese número en el plan.",
	                             "An axis with that number already exists in the plan."}},
	{"agreements_axis_id_number_key", {"Ya existe un acuerdo con ese número en el eje.",
	                                   "An agreement with that number already exists in the axis."}},
	{"activities_axis_id_number_key", {"Ya existe una actividad con ese número en el eje.",
	                                   "An activity with that number already exists in the axis."}},
	{"units_name_key", {"Ya existe una unidad con ese nombre.",
	                    "A unit with that name already exists."}},
	{"users_email_key", {"Ya existe una cuenta con ese correo.",
	                     "An account with that email already exists."}},
	{"user_not_found", {"La cuenta no existe.", "The account does not exist."}},
	{"director_needs_unit", {"Una cuenta de directores necesita la unidad (unit_id).",
	                         "A directores account needs its unit (unit_id)."}},
	{"unit_only_for_directors", {"Solo las cuentas de directores tienen unidad (unit_id).",
	                             "Only directores accounts have a unit (unit_id)."}},
	{"too_many_logins", {"Demasiados intentos fallidos de ingreso; espere antes de reintentar.",
	                     "Too many failed sign-in attempts; wait before retrying."}},
	{"unknown_unit", {"La unidad no existe.", "The unit does not exist."}},
	{"unknown_agreement", {"El acuerdo no existe en este plan.",
	                       "The agreement does not exist in this plan."}},
	{"unknown_observation", {"La observación no existe en este plan.",
	                         "The observation does not exist in this plan."}},
	{"illegal_transition", {"Ese cambio de estado no está permitido.",
	                        "That status change is not allowed."}},
	{"response_required", {"Rechazar requiere una respuesta.", "Rejecting requires a response."}},
	{"not_your_unit", {"Su unidad no es responsable de esta actividad.",
	                   "Your unit is not responsible for this activity."}},
	{"not_author", {"Solo su autor puede retirar esta observación.",
	                "Only its author can withdraw this observation."}},
	{"idempotency_key_reused", {"La clave de idempotencia ya se usó con otro contenido.",
	                            "The idempotency key was already used with a different body."}},
	{"rate_limited", {"Ha enviado demasiadas observaciones en la última hora.",
	                  "You have sent too many observations in the last hour."}},
	{"unit_in_use", {"La unidad está asignada a actividades o cuentas.",
	                 "The unit is assigned to activities or accounts."}},
	{"activity_not_found", {"La actividad no existe.", "The activity does not exist."}},
	{"axis_not_found", {"El eje no existe.", "The axis does not exist."}},
	{"agreement_not_found", {"El acuerdo no existe.", "The agreement does not exist."}},
	{"unit_not_found", {"La unidad no existe.", "The unit does not exist."}},
	{"observation_not_accepted", {"Solo se pueden vincular observaciones aceptadas.",
	                              "Only accepted observations can be linked."}},
	{"duplicate_item", {"El elemento está repetido en la lista.",
	                    "The item is repeated in the list."}},
	{"number_required", {"El eje no tiene números libres tras el último: indique 'number'.",
	                     "The axis has no free number after its last one: give 'number'."}},
	{"invalid_progress", {"El avance y el estado no concuerdan: 'done' significa 100.",
	                      "Progress and status disagree: 'done' means 100."}},
};

const char *
msg_title(int status)
{
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (statuses[i].status == status)
			return statuses[i].title;
	return "Error";
}

const struct msg *
msg_for_status(int status)
{
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (statuses[i].status == status)
			return &statuses[i].detail;
	return &statuses[0].detail;
}

const struct msg *
msg_for_reason(const char *reason)
{
	for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
		if (strcmp(reasons[i].reason, reason) == 0)
			return &reasons[i].m;
	return NULL;
}

enum lang
msg_lang(const char *accept_language)
{
	const char *p = accept_language;
	double best_es = -1, best_en = -1;

	if (p == NULL)
		return LANG_ES;
	/* Each entry: a language range, then optional parameters, one of which may be q. */
	while (*p) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		const char *q;
		double weight = 1.0;
		size_t tag;

		while (n && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		q = memchr(p, ';', n);
		tag = q ? (size_t)(q - p) : n;
		while (tag && (p[tag - 1] == ' ' || p[tag - 1] == '\t'))
			tag--;
		for (const char *k = q; k && k < p + n; k = memchr(k + 1, ';', (size_t)(p + n - k - 1))) {
			const char *v = k + 1;

			while (*v == ' ')
				v++;
			if ((v[0] == 'q' || v[0] == 'Q') && v[1] == '=')
				weight = strtod(v + 2, NULL);
		}
		if (tag >= 2 && (tag == 2 || p[2] == '-')) {
			if (strncasecmp(p, "es", 2) == 0 && weight > best_es)
				best_es = weight;
			else if (strncasecmp(p, "en", 2) == 0 && weight > best_en)
				best_en = weight;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return best_en > 0 && best_en > best_es ? LANG_EN : LANG_ES;
}
