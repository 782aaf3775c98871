// /docs: Swagger UI over the API's OpenAPI description, from installed files only (no
// inline script: the Content-Security-Policy allows scripts from this server alone).
"use strict";
window.addEventListener("DOMContentLoaded", () => {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null, // the default badge asks a public validator: nothing leaves this server
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
