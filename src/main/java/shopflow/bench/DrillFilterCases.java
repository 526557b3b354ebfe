package shopflow.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import shopflow.reports.FilterCases;

/**
 * The order filters `bench api --filters` walks the filtered drills with: {@link FilterCases}' (every
 * filter and pairs, the busiest region; not the category, which these drills do not take), and rare
 * ones, where a page that checked each order it walked read thousands: a tablet (few orders, and
 * none before the clickstream's 90 days), a tablet in the smallest region, email with a coupon.
 */
final class DrillFilterCases {

    private DrillFilterCases() {
    }

    static List<Map<String, String>> of(DataSource dataSource) {
        List<Map<String, String>> cases = new ArrayList<>();
        for (Map<String, String> filters : FilterCases.of(dataSource).values()) {
            if (!filters.containsKey("category")) {
                cases.add(filters);
            }
        }
        if (cases.isEmpty()) {
            return cases; // a Citus cluster: the filtered drills read their raw rows there
        }
        cases.add(Map.of("device", "tablet"));
        cases.add(Map.of("channel", "email", "coupon", "yes"));
        String smallest = smallestRegion(dataSource);
        if (smallest != null) {
            cases.add(Map.of("region", smallest, "device", "tablet"));
        }
        return cases;
    }

    private static String smallestRegion(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql())) {
            rs.next();
            return rs.getString("smallest_region");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the rare filter values: " + e.getMessage(), e);
        }
    }

    private static String sql() {
        try (InputStream in = DrillFilterCases.class.getClassLoader().getResourceAsStream("filters/rare_values.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
