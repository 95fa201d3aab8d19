/* Satu Data Kota Tangerang: the API viewer of /pengembang/api/<id>, drawn with the vendored
   swagger-ui (public/tangerang/vendor/swagger-ui). The document's URL comes from the page;
   validatorUrl: null keeps the viewer from sending the document to an outside validator. */
(function () {
  "use strict";
  var element = document.getElementById("swagger-ui");
  if (!element || !window.SwaggerUIBundle) {
    return;
  }
  window.tangerangSwagger = window.SwaggerUIBundle({
    url: element.getAttribute("data-openapi-url"),
    domNode: element,
    deepLinking: false,
    validatorUrl: null,
    docExpansion: "list",
    defaultModelsExpandDepth: 1,
    defaultModelExpandDepth: 2,
    displayRequestDuration: true,
    tryItOutEnabled: false,
    supportedSubmitMethods: ["get"],
  });
})();
