package shopflow.web;

import io.javalin.http.Context;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import shopflow.reports.AsOf;

/** The checks the endpoints with a fixed set of query parameters share: 400s naming the parameter. */
final class QueryParameters {

    private QueryParameters() {
    }

    /** Refuses a parameter not in {@code accepted}, or one given twice. */
    static void acceptOnly(Context ctx, List<String> accepted) {
        ctx.queryParamMap().forEach((name, values) -> {
            if (!accepted.contains(name)) {
                throw ApiError.badRequest(name, "unknown parameter '" + name + "': accepted "
                        + (accepted.size() == 1 ? "is " : "are ") + String.join(", ", accepted));
            }
            if (values.size() > 1) {
                throw ApiError.badRequest(name, "parameter " + name + " was given " + values.size() + " times; give it once");
            }
        });
    }

    /** The {@code as_of} parameter as {@code --as-of} reads it; absent or blank: now. */
    static OffsetDateTime asOf(Context ctx, ZoneId shopZone, Clock clock) {
        try {
            return AsOf.parseOrNow(ctx.queryParam("as_of"), shopZone, clock);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("as_of", e.getMessage().replace("as-of", "as_of"));
        }
    }
}
