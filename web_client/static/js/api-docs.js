// /docs: Swagger UI on the server's own OpenAPI schema, from vendor/ (no CDN).
// A file rather than an inline script, so the Content Security Policy needs no exception.
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
});
