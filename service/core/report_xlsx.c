/* A real workbook rather than CSV renamed: a sheet of rows with a bold header row, column
 * widths, wrapped texts, an autofilter, frozen panes and progress as a percentage; and a
 * summary sheet with the plan and its totals. Texts come from the same Spanish records
 * as the CSV, numbers from the report's JSON. libxlsxwriter 1.1.4 (Debian 12) writes only
 * to files, so the workbook goes through a private temporary file, read back and removed. */
#include "core/report_xlsx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#define COLUMNS 11
#define COL_NUMBER 2
#define COL_PROGRESS 9

static const char *const heads[COLUMNS] = {
	"Eje", "Tipo", "Número", "Texto", "Estado", "Respuesta", "Incorporado", "Acuerdos",
	"Actividades", "Avance", "Medios de verificación",
};
static const double widths[COLUMNS] = {30, 12, 8, 50, 12, 30, 12, 40, 50, 10, 40};

struct formats {
	lxw_format *head, *text, *pct;
};

/* The rows sheet: one line per record, after the header. */
static void
rows_sheet(lxw_workbook *wb, const struct formats *f, const json_t *rows, const json_t *items)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Aportes ciudadanos");
	size_t i, j;
	json_t *row, *v;

	for (j = 0; j < COLUMNS; j++) {
		worksheet_set_column(ws, (lxw_col_t)j, (lxw_col_t)j, widths[j],
		                     j == COL_PROGRESS ? f->pct : f->text);
		worksheet_write_string(ws, 0, (lxw_col_t)j, heads[j], f->head);
	}
	json_array_foreach(rows, i, row) {
		const json_t *progress = json_object_get(json_array_get(items, i), "progress");
		lxw_row_t r = (lxw_row_t)(i + 1);

		json_array_foreach(row, j, v) {
			if (j >= COLUMNS)
				break;
			if (j == COL_PROGRESS && json_is_number(progress))
				worksheet_write_number(ws, r, COL_PROGRESS, json_number_value(progress) / 100,
				                       f->pct);
			else if (json_is_integer(v))
				worksheet_write_number(ws, r, (lxw_col_t)j, (double)json_integer_value(v), NULL);
			else if (json_is_string(v) && j != COL_PROGRESS)
				worksheet_write_string(ws, r, (lxw_col_t)j, json_string_value(v), f->text);
		}
	}
	worksheet_freeze_panes(ws, 1, 0);
	worksheet_autofilter(ws, 0, 0, (lxw_row_t)json_array_size(rows), COLUMNS - 1);
}

/* The summary sheet: the plan and its totals, one label and value a line. */
static void
summary_sheet(lxw_workbook *wb, const struct formats *f, const json_t *report)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Resumen");
	const json_t *plan = json_object_get(report, "plan");
	const json_t *totals = json_object_get(report, "totals");
	const json_t *inc = json_object_get(totals, "incorporated_pct");
	const json_t *avg = json_object_get(totals, "avg_progress");

	worksheet_set_column(ws, 0, 0, 28, NULL);
	worksheet_set_column(ws, 1, 1, 50, NULL);
	worksheet_write_string(ws, 0, 0, "Plan", f->head);
	worksheet_write_string(ws, 0, 1, json_string_value(json_object_get(plan, "title")), NULL);
	worksheet_write_string(ws, 1, 0, "Entidad", f->head);
	worksheet_write_string(ws, 1, 1, json_string_value(json_object_get(plan, "entity")), NULL);
	worksheet_write_string(ws, 2, 0, "Año", f->head);
	worksheet_write_number(ws, 2, 1, json_number_value(json_object_get(plan, "year")), NULL);
	worksheet_write_string(ws, 3, 0, "Aportes y observaciones", f->head);
	worksheet_write_number(ws, 3, 1, json_number_value(json_object_get(totals, "items")), NULL);
	worksheet_write_string(ws, 4, 0, "Incorporados", f->head);
	worksheet_write_number(ws, 4, 1, json_number_value(json_object_get(totals, "incorporated")),
	                       NULL);
	worksheet_write_string(ws, 5, 0, "Porcentaje incorporado", f->head);
	worksheet_write_number(ws, 5, 1, json_number_value(inc) / 100, f->pct);
	worksheet_write_string(ws, 6, 0, "Avance promedio", f->head);
	if (json_is_number(avg))
		worksheet_write_number(ws, 6, 1, json_number_value(avg) / 100, f->pct);
}

/* The whole file at path, or NULL. */
static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *data = NULL;
	long n;

	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0 && fseek(fp, 0, SEEK_SET) == 0) {
		data = malloc((size_t)n);
		if (data && fread(data, 1, (size_t)n, fp) != (size_t)n) {
			free(data);
			data = NULL;
		}
		*len = (size_t)n;
	}
	(void)fclose(fp);  /* read only: nothing to lose */
	return data;
}

char *
report_xlsx(const json_t *doc, size_t *len)
{
	const json_t *report = json_object_get(doc, "report");
	const json_t *rows = json_object_get(doc, "rows");
	const json_t *items = json_object_get(report, "rows");
	const char *tmp = getenv("TMPDIR");
	char path[256];
	lxw_workbook *wb;
	struct formats f;
	char *data = NULL;
	int fd;

	*len = 0;
	if (!json_is_array(rows) || !json_is_array(items) ||
	    json_array_size(rows) != json_array_size(items))
		return NULL;
	snprintf(path, sizeof path, "%s/rendicion-xlsx.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	close(fd);
	wb = workbook_new(path);
	if (wb != NULL) {
		f.head = workbook_add_format(wb);
		format_set_bold(f.head);
		format_set_bg_color(f.head, 0xDDE4EE);
		format_set_text_wrap(f.head);
		f.text = workbook_add_format(wb);
		format_set_text_wrap(f.text);
		format_set_align(f.text, LXW_ALIGN_VERTICAL_TOP);
		f.pct = workbook_add_format(wb);
		format_set_num_format(f.pct, "0.0%");
		format_set_align(f.pct, LXW_ALIGN_VERTICAL_TOP);
		rows_sheet(wb, &f, rows, items);
		summary_sheet(wb, &f, report);
		if (workbook_close(wb) == LXW_NO_ERROR)
			data = slurp(path, len);
	}
	unlink(path);
	return data;
}
