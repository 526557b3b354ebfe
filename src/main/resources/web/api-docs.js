// Swagger UI for /api/docs (the page is src/main/resources/openapi/docs.html).
// Authorize takes a token (sf_...); "Try it out" then sends it as Authorization: Bearer.
window.addEventListener('DOMContentLoaded', () => {
  window.ui = SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,        // no call to validator.swagger.io
    persistAuthorization: false, // the token stays in this tab's memory only
    displayRequestDuration: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
