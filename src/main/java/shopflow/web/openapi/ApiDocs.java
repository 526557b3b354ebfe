package shopflow.web.openapi;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /api/openapi.json} (the document) and {@code GET /api/docs} (Swagger UI, from the
 * {@code org.webjars:swagger-ui} webjar the server already serves under /webjars: no CDN). Both
 * are public: the document says what the API is, not what is in the shop.
 */
public final class ApiDocs {

    private static final String PAGE = "/openapi/docs.html";

    private final OpenApiDocument document;
    private final String page;

    public ApiDocs(OpenApiDocument document) {
        this.document = document;
        try (InputStream in = ApiDocs.class.getResourceAsStream(PAGE)) {
            if (in == null) {
                throw new IllegalStateException(PAGE + " is missing from the classpath");
            }
            this.page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PAGE, e);
        }
    }

    public void document(Context ctx) {
        ctx.contentType("application/json").result(document.json());
    }

    public void page(Context ctx) {
        ctx.contentType("text/html; charset=utf-8").result(page);
    }
}
