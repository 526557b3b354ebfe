package shopflow.rollups;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;

/**
 * day_spans(), which cuts a window of shop days into the spans of rollups.product_spans_folded and
 * single days: top_products and category_sales are exact only if the pieces make the window, each
 * day once.
 */
class DaySpansTest {

    private static Database database;

    @BeforeAll
    static void open() {
        database = TestDatabases.fresh();
    }

    @AfterAll
    static void close() {
        database.close();
    }

    /** The most pieces of {@code windows} meeting {@code where} in one group of {@code groupBy}. */
    private static Object mostPieces(String windows, String where, String groupBy) throws SQLException {
        return value("select coalesce(max(pieces), 0) from (select count(*) as pieces from (" + windows + ") as w,"
                + " day_spans(w.first_day, w.last_day) as s where " + where + " group by " + groupBy + ") as groups");
    }

    private static Object value(String sql) throws SQLException {
        try (Connection c = database.connection()) {
            return Writes.value(c, sql);
        }
    }

    @Test
    void thirty_days_are_their_longest_aligned_spans_and_single_days_at_the_ends() throws SQLException {
        // Days counted from 2000-01-01: 5 November 2026 is day 9,805, 4 December day 9,834. Both odd
        // ends take a day alone, leaving 9,806-9,833: 2-day pieces 4,903..4,916; 4,903 is odd (days
        // 9,806-9,807) and 4,916 closes an odd end (9,832-9,833), each read as its two single days (no
        // span of 2 days is kept), leaving 4-day pieces 2,452..2,457 with even ends, so 8-day pieces
        // 1,226..1,228: 1,228 closes an odd end (9,824-9,831), leaving 16-day piece 613 (9,808-9,823).
        assertThat(value("select string_agg(span_days || ' from ' || span_start, ', ' order by span_start)"
                + " from day_spans('2026-11-05', '2026-12-04')"))
                .isEqualTo("1 from 2026-11-05, 1 from 2026-11-06, 1 from 2026-11-07, 16 from 2026-11-08,"
                        + " 8 from 2026-11-24, 1 from 2026-12-02, 1 from 2026-12-03, 1 from 2026-12-04");
        // 31 October (day 9,800 = 8 x 1,225) to 29 November: 8 and 16 days, then 4 days from day 9,824
        // (4 x 2,456), then the 2 days from 9,828 alone
        assertThat(value("select string_agg(span_days || ' from ' || span_start, ', ' order by span_start)"
                + " from day_spans('2026-10-31', '2026-11-29')"))
                .isEqualTo("8 from 2026-10-31, 16 from 2026-11-08, 4 from 2026-11-24, 1 from 2026-11-28,"
                        + " 1 from 2026-11-29");
    }

    @Test
    void a_single_day_and_an_aligned_span_are_one_piece() throws SQLException {
        assertThat(value("select string_agg(span_days || ' from ' || span_start, ', ') from day_spans('2026-12-04', '2026-12-04')"))
                .isEqualTo("1 from 2026-12-04");
        // 2026-11-08 is day 9,808 = 16 x 613
        assertThat(value("select string_agg(span_days || ' from ' || span_start, ', ') from day_spans('2026-11-08', '2026-11-23')"))
                .isEqualTo("16 from 2026-11-08");
        assertThat(value("select count(*) from day_spans('2026-12-05', '2026-12-04')")).isEqualTo(0L);
    }

    @Test
    void every_window_up_to_ten_years_is_made_of_aligned_pieces_covering_each_day_once() throws SQLException {
        // 1,500 windows: every length from 1 to 1,100 days and some up to 3,660, from starts spread over
        // the alignments; for each, the pieces must cover exactly its days, each aligned on its length,
        // at most two of each kept length below the longest (1,024 days), at most three single days at
        // each end, and no span the rollups do not keep
        String windows = "select first_day, first_day + length - 1 as last_day from ("
                + " select date '2024-01-01' + (n * 37) % 1024 as first_day,"
                + " case when n <= 1100 then n else 1100 + (n - 1100) * 6 end as length"
                + " from generate_series(1, 1500) as n) as w";
        assertThat(value("select count(*) from (" + windows + ") as w where (select count(*) from ("
                + " select day from day_spans(w.first_day, w.last_day) as s,"
                + " generate_series(s.span_start, s.span_start + s.span_days - 1, interval '1 day') as day) as covered)"
                + " <> w.last_day - w.first_day + 1"
                + " or (select count(distinct day) from day_spans(w.first_day, w.last_day) as s,"
                + " generate_series(s.span_start, s.span_start + s.span_days - 1, interval '1 day') as day"
                + " where day between w.first_day and w.last_day) <> w.last_day - w.first_day + 1"))
                .as("windows whose pieces do not cover exactly their days").isEqualTo(0L);
        assertThat(value("select count(*) from (" + windows + ") as w, day_spans(w.first_day, w.last_day) as s"
                + " where (s.span_start - date '2000-01-01') % s.span_days <> 0"))
                .as("pieces not aligned on their length").isEqualTo(0L);
        assertThat(mostPieces(windows, "s.span_days between 4 and 512", "w.first_day, w.last_day, s.span_days"))
                .as("most spans of one length from 4 to 512 days").isEqualTo(2L);
        assertThat(mostPieces(windows, "s.span_days = 1", "w.first_day, w.last_day"))
                .as("most single days of a window").isEqualTo(6L);
        assertThat(value("select count(*) from (" + windows + ") as w, day_spans(w.first_day, w.last_day) as s"
                + " where s.span_days = 2"))
                .as("spans of 2 days, which the rollups do not keep").isEqualTo(0L);
    }
}
