package shopflow.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import shopflow.TestDatabases;
import shopflow.db.Database;

/** The event tables' binary COPY stores exactly what the text format would. */
class BinaryCopyTest {

    private static CopyBuffer rows(boolean binary) {
        CopyBuffer out = new CopyBuffer(16, binary); // grows while writing
        out.text("s-0042").number(7).text("/p/café-crème").nullValue()
                .timestamp(1_782_817_200L).number(0).text(null).text("mobile").endRow();
        out.text("").nullValue().text("/").number(2_147_483_647)
                .timestamp(946_684_799L).nullValue().text("https://ref.example/?q=a b").text("desktop").endRow();
        return out;
    }

    private static List<String> load(Database db, CopyBuffer rows, boolean binary) throws Exception {
        try (Connection c = db.connection(); Statement s = c.createStatement()) {
            s.execute("drop table if exists t"); // a pooled connection keeps its session's temporary tables
            s.execute("create temporary table t (session_id varchar(100), customer_id int, page_url text,"
                    + " product_id int, viewed_at timestamptz, time_on_page int, referrer text, device_type varchar(20))");
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            if (binary) {
                stream.write(CopyBuffer.BINARY_HEADER);
            }
            stream.write(rows.array(), 0, rows.length());
            if (binary) {
                stream.write(CopyBuffer.BINARY_TRAILER);
            }
            long copied = c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "copy t from stdin" + (binary ? " with (format binary)" : ""),
                    new ByteArrayInputStream(stream.toByteArray()));
            assertThat(copied).isEqualTo(2);
            List<String> out = new ArrayList<>();
            try (ResultSet r = s.executeQuery("select t::text from t order by page_url desc")) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
            return out;
        }
    }

    @Test
    void binary_rows_read_back_as_the_text_rows_do() throws Exception {
        try (Database db = TestDatabases.fresh()) {
            List<String> binary = load(db, rows(true), true);
            assertThat(binary).containsExactly(
                    "(s-0042,7,/p/café-crème,,\"2026-06-30 12:00:00+01\",0,,mobile)",
                    "(\"\",,/,2147483647,\"1999-12-31 23:59:59+00\",,\"https://ref.example/?q=a b\",desktop)");
            assertThat(binary).isEqualTo(load(db, rows(false), false));
        }
    }

    @Test
    void a_binary_buffer_refuses_what_it_cannot_encode() {
        assertThatThrownBy(() -> new CopyBuffer(16, true).money(100)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new CopyBuffer(16, true).number(3_000_000_000L)).isInstanceOf(ArithmeticException.class);
    }
}
