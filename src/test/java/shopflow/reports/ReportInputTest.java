package shopflow.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad input is refused before anything runs, with a message naming what is wrong and what is accepted. */
class ReportInputTest {

    private static final ReportCatalog CATALOG = ReportCatalog.load();

    @RegisterExtension
    static final ReportFixture shop = ReportFixture.shop();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "rfm_segment,   rfm_segments",
        "top_product,   top_products",
        "funnel,        conversion_funnel",
        "cohorts,       retention_cohorts",
        "lowstock,      low_stock",
        "fraud_reveiw,  fraud_review",
        "funel,         conversion_funnel",
    })
    void an_unknown_report_names_the_closest_one(String typed, String suggested) {
        assertThatThrownBy(() -> CATALOG.get(typed))
                .isInstanceOf(ReportException.class)
                .hasMessageContaining("unknown report '" + typed + "'")
                .hasMessageContaining("did you mean '" + suggested + "'");
    }

    @Test
    void an_unknown_parameter_is_named_with_those_the_report_takes() {
        assertThatThrownBy(() -> shop.run("daily_revenue", Map.of("dayz", "7")))
                .isInstanceOf(ReportException.class)
                .hasMessage("report daily_revenue has no parameter 'dayz'; it takes days, channel, device, country, region,"
                        + " customer, coupon")
                .extracting(e -> ((ReportException) e).field()).isEqualTo("dayz");
        // its periods are fixed: it takes only the filters
        assertThatThrownBy(() -> shop.run("revenue_summary", Map.of("days", "7")))
                .hasMessageContaining("it takes channel, device, country, region, customer, coupon");
    }

    @ParameterizedTest(name = "{0} {1}={2}")
    @CsvSource(delimiter = '|', textBlock = """
            daily_revenue     | days        | abc     | parameter 'days' = 'abc' must be a whole number from 1 to 3660
            daily_revenue     | days        | 0       | parameter 'days' = '0' is out of range: accepted from 1 to 3660
            daily_revenue     | days        | 100000  | parameter 'days' = '100000' is out of range: accepted from 1 to 3660
            conversion_funnel | days        | 7.5     | parameter 'days' = '7.5' must be a whole number from 1 to 3660
            retention_cohorts | cohorts     | 121     | parameter 'cohorts' = '121' is out of range: accepted from 1 to 120
            market_basket     | min_pair_orders | 99999999999999999999 | parameter 'min_pair_orders' = '99999999999999999999' must be a whole number from 1 to 1000000
            market_basket     | from        | 2026-02-30 | parameter 'from' = '2026-02-30' must be a date (YYYY-MM-DD) from 2000-01-01 to 2099-12-31
            category_sales    | to          | 1999-12-31 | parameter 'to' = '1999-12-31' is out of range: accepted a date (YYYY-MM-DD) from 2000-01-01 to 2099-12-31
            low_stock         | show        | some    | parameter 'show' = 'some' must be one of low, all
            rfm_segments      | scheme      | rxf     | parameter 'scheme' = 'rxf' must be one of standard, brief
            top_products      | limit       | -1      | parameter 'limit' = '-1' is out of range: accepted from 1 to 10000
            """)
    void a_bad_value_names_the_parameter_and_what_it_accepts(String report, String parameter, String value,
            String message) {
        assertThatThrownBy(() -> shop.run(report, Map.of(parameter, value)))
                .isInstanceOf(ReportException.class)
                .hasMessage(message)
                .extracting(e -> ((ReportException) e).kind()).isEqualTo(ReportException.Kind.BAD_PARAMETER);
    }

    @ParameterizedTest(name = "share={0}")
    @CsvSource(delimiter = '|', textBlock = """
            lots           | parameter 'share' = 'lots' must be a number from 0 to 100
            101            | parameter 'share' = '101' is out of range: accepted from 0 to 100
            1e-16384       | parameter 'share' = '1e-16384' has more than 16383 digits after the decimal point (PostgreSQL's numeric); accepted from 0 to 100
            1e999999999999 | parameter 'share' = '1e999999999999' must be a number from 0 to 100
            """)
    void a_bad_number_names_the_parameter_and_what_it_accepts(String value, String message) {
        ReportParameter share = new ReportParameter("share", "numeric", "0", java.math.BigDecimal.ZERO,
                java.math.BigDecimal.valueOf(100), List.of(), "a percentage");
        assertThatThrownBy(() -> share.bind(value))
                .isInstanceOf(ReportException.class)
                .hasMessage(message)
                .extracting(e -> ((ReportException) e).kind()).isEqualTo(ReportException.Kind.BAD_PARAMETER);
    }

    @Test
    void an_integer_parameter_without_a_declared_range_still_fits_postgresqls_integer() {
        ReportParameter open = new ReportParameter("n", "integer", "1", null, null, List.of(), "any number");
        assertThat(open.bind("2147483647")).isEqualTo(2147483647L);
        assertThatThrownBy(() -> open.bind("2147483648"))
                .isInstanceOf(ReportException.class)
                .hasMessage("parameter 'n' = '2147483648' is out of range: a whole number from -2147483648 to 2147483647"
                        + " (PostgreSQL's integer)");
    }

    @Test
    void sql_in_a_text_parameter_is_refused_by_the_allowed_list_and_changes_nothing() throws SQLException {
        assertThatThrownBy(() -> shop.run("rfm_customers", Map.of("segment", "x'; drop table orders; --")))
                .isInstanceOf(ReportException.class)
                .hasMessageStartingWith("parameter 'segment' = 'x'; drop table orders; --' must be one of Champions, ");
        assertThat(count("orders")).isEqualTo(16);
    }

    @Test
    void text_parameters_are_bound_not_spliced() {
        // A value with a quote that is allowed reaches the database as a value: a statement with
        // the value spliced in would fail to parse; bound, it just matches no segment name.
        Report report = CATALOG.get("rfm_customers");
        assertThat(report.sql()).contains("segment = ?").doesNotContain(":'segment'");
        assertThat(report.placeholders()).containsExactly("as_of", "scheme", "segment", "limit", "scheme", "segment",
                "limit", "segment", "segment", "scheme", "segment", "limit", "as_of");
    }

    private static long count(String table) throws SQLException {
        try (Connection c = shop.database().connection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select count(*) from " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
