package shopflow.web;

import io.javalin.http.Context;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import shopflow.db.SqlScripts;

/**
 * {@code GET /api/catalog/pace}: the shop's own pace in the hour of the week of a moment
 * ({@code simulate/hourly_pace.sql}), so traffic tools send what this shop would see, not a fixed rate.
 */
final class PaceApi {

    private static final String PACE = SqlScripts.read("simulate/hourly_pace.sql");

    private final DataSource dataSource;
    private final Access access;
    private final ZoneId shopZone;
    private final Clock clock;

    PaceApi(DataSource dataSource, Access access, ZoneId shopZone, Clock clock) {
        this.dataSource = dataSource;
        this.access = access;
        this.shopZone = shopZone;
        this.clock = clock;
    }

    void get(Context ctx) throws SQLException {
        access.require(ctx, Role.VIEWER, "the shop's pace");
        QueryParameters.acceptOnly(ctx, List.of("as_of"));
        OffsetDateTime asOf = QueryParameters.asOf(ctx, shopZone, clock);
        try (Connection connection = dataSource.getConnection();
                PreparedStatement statement = connection.prepareStatement(PACE)) {
            statement.setObject(1, asOf);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("as_of", asOf.toString());
                out.put("weeks", 4);
                out.put("sessions_per_hour", row.getBigDecimal("sessions_per_hour"));
                out.put("orders_per_hour", row.getBigDecimal("orders_per_hour"));
                out.put("status_changes_per_hour", row.getBigDecimal("status_changes_per_hour"));
                ctx.json(out);
            }
        }
    }
}
