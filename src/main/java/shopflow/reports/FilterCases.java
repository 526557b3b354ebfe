package shopflow.reports;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The filter values `verify` and `bench reports --filters` try (docs/filters.md): every filter on
 * its own and pairs of them, in each cut of the order_facets rollup and across cuts, and the category
 * filter, alone and with an order filter, with values a generated shop has (the region: its busiest;
 * the category: its first department; read from the database).
 */
public final class FilterCases {

    private FilterCases() {
    }

    /** Each case's filters, by a name such as {@code device=mobile+customer=new}. */
    public static Map<String, Map<String, String>> of(DataSource dataSource) {
        String[] sample = sampleValues(dataSource);
        if (sample == null) {
            return Map.of(); // a Citus cluster: the filtered reports read their raw rows there (docs/filters.md)
        }
        String region = sample[0];
        List<Map<String, String>> cases = new ArrayList<>(List.of(
                Map.of("channel", "search"), Map.of("device", "mobile"), Map.of("country", "GB"),
                Map.of("customer", "new"), Map.of("coupon", "yes"),
                Map.of("device", "mobile", "customer", "new"), Map.of("channel", "social", "coupon", "yes"),
                Map.of("channel", "search", "device", "desktop"), Map.of("customer", "returning", "coupon", "no")));
        if (region != null) {
            cases.add(Map.of("region", region));
            cases.add(Map.of("region", region, "device", "mobile"));
            cases.add(Map.of("region", region, "customer", "new"));
            cases.add(Map.of("region", region, "channel", "search"));
        }
        if (sample[1] != null) {
            cases.add(Map.of("category", sample[1]));
            // for a report taking both (market_basket): a category among the orders a filter names
            cases.add(Map.of("category", sample[1], "device", "mobile"));
        }
        Map<String, Map<String, String>> named = new LinkedHashMap<>();
        for (Map<String, String> filters : cases) {
            named.put(name(filters), filters);
        }
        return named;
    }

    static String name(Map<String, String> filters) {
        return String.join("+", filters.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue())
                .toList());
    }

    /** The busiest region and a top-level category's slug (nulls on an empty shop); null on a Citus cluster. */
    private static String[] sampleValues(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql())) {
            rs.next();
            if (rs.getBoolean("on_cluster")) {
                return null;
            }
            return new String[] {rs.getString("region"), rs.getString("category")};
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the filters' sample values: " + e.getMessage(), e);
        }
    }

    private static String sql() {
        try (InputStream in = FilterCases.class.getClassLoader().getResourceAsStream("filters/sample_values.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
