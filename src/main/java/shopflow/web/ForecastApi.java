package shopflow.web;

import io.javalin.http.Context;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import shopflow.forecast.DailySeries;
import shopflow.forecast.ForecastDay;
import shopflow.forecast.MonthEnd;
import shopflow.forecast.SalesForecast;

/** {@code GET /api/forecast}: daily net sales ahead with intervals, and the month-end projection, as {@code shopflow forecast}. */
final class ForecastApi {

    private static final List<String> PARAMETERS = List.of("as_of", "days", "interval");

    private final DataSource dataSource;
    private final Access access;
    private final ZoneId shopZone;
    private final Clock clock;

    ForecastApi(DataSource dataSource, Access access, ZoneId shopZone, Clock clock) {
        this.dataSource = dataSource;
        this.access = access;
        this.shopZone = shopZone;
        this.clock = clock;
    }

    void get(Context ctx) {
        access.require(ctx, Role.VIEWER, "the forecast");
        QueryParameters.acceptOnly(ctx, PARAMETERS);
        OffsetDateTime asOf = QueryParameters.asOf(ctx, shopZone, clock);
        int days = number(ctx, "days", "30", "a whole number from 1 to 364", Integer::parseInt).intValue();
        double interval = number(ctx, "interval", "0.8", "a number strictly between 0 and 1", Double::parseDouble)
                .doubleValue();
        if (days < 1 || days > 364) {
            throw ApiError.badRequest("days", "days must be from 1 to 364, not " + days);
        }
        if (!(interval > 0 && interval < 1)) {
            throw ApiError.badRequest("interval", "interval must be strictly between 0 and 1 (0.8 is 80 %), not "
                    + ctx.queryParam("interval"));
        }
        LocalDate origin = asOf.atZoneSameInstant(shopZone).toLocalDate();
        DailySeries history = DailySeries.netSales(dataSource, origin.minusDays(730), origin.minusDays(1));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", origin.toString());
        out.put("interval", interval);
        try {
            // at least to the month's end, for its projection
            int ahead = Math.max(days, origin.lengthOfMonth() - origin.getDayOfMonth() + 1);
            List<ForecastDay> forecast = SalesForecast.fit(history).forecast(ahead, interval);
            out.put("days", forecast.subList(0, days).stream().map(f -> Map.of("day", f.day().toString(),
                    "expected", round(f.expected()), "low", round(f.low()), "high", round(f.high()))).toList());
            MonthEnd end = MonthEnd.of(history, forecast);
            out.put("month_end", Map.of("month", end.month().toString(), "to_date", round(end.toDate()),
                    "projected", round(end.projected())));
            out.put("reason", null);
        } catch (SalesForecast.TooLittleHistory e) {
            out.put("days", List.of());
            out.put("month_end", null);
            out.put("reason", e.getMessage());
        }
        ctx.json(out);
    }

    private static Number number(Context ctx, String name, String fallback, String accepted,
            java.util.function.Function<String, Number> parse) {
        String text = ctx.queryParam(name);
        try {
            return parse.apply(text == null ? fallback : text.strip());
        } catch (NumberFormatException e) {
            throw ApiError.badRequest(name, name + " must be " + accepted + ", not '" + text + "'");
        }
    }

    private static java.math.BigDecimal round(double value) {
        return java.math.BigDecimal.valueOf(value).setScale(2, java.math.RoundingMode.HALF_UP);
    }
}
