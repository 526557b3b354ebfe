package shopflow.web;

import io.javalin.http.Context;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import shopflow.db.SqlScripts;

/**
 * {@code GET /api/shop}: what the shop's data holds, so the dashboard opens an imported history as
 * of its newest order (not on an empty "today" years later) and says which panels have no data to
 * show ({@code dashboard/shop_data.sql}).
 */
final class ShopApi {

    private static final String SHOP_DATA = SqlScripts.read("dashboard/shop_data.sql");
    /** An imported history whose newest order is older than this opens as of that order. */
    static final Duration STALE = Duration.ofDays(1);

    private final DataSource dataSource;
    private final Access access;
    private final ZoneId shopZone;
    private final Clock clock;

    ShopApi(DataSource dataSource, Access access, ZoneId shopZone, Clock clock) {
        this.dataSource = dataSource;
        this.access = access;
        this.shopZone = shopZone;
        this.clock = clock;
    }

    void get(Context ctx) throws SQLException {
        access.require(ctx, Role.VIEWER, "the shop's data");
        ctx.json(describe(dataSource, shopZone, clock));
    }

    /** The answer of GET /api/shop, for this moment of {@code clock}. */
    static Map<String, Object> describe(DataSource dataSource, ZoneId shopZone, Clock clock) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet r = s.executeQuery(SHOP_DATA)) {
            r.next();
            boolean imported = r.getBoolean("imported");
            OffsetDateTime newest = r.getObject("newest_order_at", OffsetDateTime.class);
            List<String> missing = new ArrayList<>();
            if (imported && !r.getBoolean("has_clickstream")) {
                missing.add("clickstream");
            }
            if (imported && !r.getBoolean("has_stock")) {
                missing.add("stock");
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("imported", imported);
            out.put("newest_order_at", newest == null ? null : newest.atZoneSameInstant(shopZone).toOffsetDateTime()
                    .toString());
            boolean stale = imported && newest != null
                    && newest.toInstant().isBefore(clock.instant().minus(STALE));
            out.put("opens_as_of", stale ? localMinuteNotBefore(newest, shopZone) : null);
            out.put("missing", missing);
            out.put("currency", r.getString("currency").strip());
            return out;
        }
    }

    /** The shop's local time, in whole minutes (the as-of picker's), not before {@code at}: it includes that order. */
    private static String localMinuteNotBefore(OffsetDateTime at, ZoneId zone) {
        OffsetDateTime minute = at.truncatedTo(ChronoUnit.MINUTES);
        if (minute.isBefore(at)) {
            minute = minute.plusMinutes(1);
        }
        return minute.atZoneSameInstant(zone).toLocalDateTime().format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm"));
    }
}
