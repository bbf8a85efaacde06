// kbatch-proxy's Swagger UI set-up. The server fills in the two constants below (JSON strings) when serving this file.
window.onload = function () {
  // Every route lives under the prefix (KBATCH_PREFIX, "" when unset).
  const prefix = "{{PREFIX}}";
  const openapiUrl = "{{OPENAPI_URL}}";

  window.ui = SwaggerUIBundle({
    url: openapiUrl,
    dom_id: '#swagger-ui',
    deepLinking: true,
    // The JupyterHub token typed into "Authorize" survives a reload (kept in this browser's localStorage).
    persistAuthorization: true,
    // No online validator badge: nothing leaves for the internet.
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    // openapi.yaml's server is "/" (the prefix is a deployment setting, not part of the contract), so "Try it out"
    // would call /jobs/ on this host. Put the prefix in front of every API call to this host; the request that
    // loads the document itself (loadSpec) already names its full path.
    requestInterceptor: function (request) {
      if (!request.loadSpec && prefix) {
        const url = new URL(request.url, window.location.href);
        if (url.origin === window.location.origin) {
          url.pathname = prefix + url.pathname;
          request.url = url.toString();
        }
      }
      return request;
    }
  });
};
