// GET /docs: Swagger UI (web/vendor, pinned) on the service's own /openapi.json. No
// validator badge (it would call another host); "Try it out" calls this same service.
// The spec names one server, this one: its unlabelled picker is left out, and deep links
// are off because they put a link inside each operation's button (both flagged by axe-core).
/* global SwaggerUIBundle */
const HideServers = () => ({ wrapComponents: { ServersContainer: () => () => null } });

window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#referencia',
  deepLinking: false,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  plugins: [HideServers],
  layout: 'BaseLayout',
  defaultModelsExpandDepth: 0,
});
