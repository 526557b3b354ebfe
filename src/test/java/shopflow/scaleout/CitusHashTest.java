package shopflow.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;

/** The loader's hash against PostgreSQL's own, which Citus places rows by (worker_hash() is the same on a cluster). */
class CitusHashTest {

    private static Database database;

    @BeforeAll
    static void open() {
        database = TestDatabases.fresh();
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void integers_hash_as_hashint4_does() throws SQLException {
        List<Integer> values = new ArrayList<>(List.of(0, 1, -1, 2, Integer.MAX_VALUE, Integer.MIN_VALUE, 475_075));
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 2_000; i++) {
            values.add(i < 1_000 ? i * 37 : random.nextInt());
        }
        Map<Integer, Integer> postgres = new LinkedHashMap<>();
        try (Connection c = database.connection();
                PreparedStatement s = c.prepareStatement("select v, hashint4(v) from unnest(?::int[]) as v")) {
            s.setArray(1, c.createArrayOf("int4", values.toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    postgres.put(r.getInt(1), r.getInt(2));
                }
            }
        }
        assertThat(postgres).hasSize((int) values.stream().distinct().count());
        postgres.forEach((value, hash) -> assertThat(CitusHash.ofInt(value)).as("hashint4(%d)", value).isEqualTo(hash));
    }

    @Test
    void text_of_every_length_and_any_character_hashes_as_hashtext_does() throws SQLException {
        // every tail length (0 to 11 bytes past a multiple of 12), multi-byte characters, session ids as generated
        List<String> values = new ArrayList<>(List.of("", "a", "abc", "s-000000123-0004", "£5 off", "Zoë's café ☕"));
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_é€";
        SplittableRandom random = new SplittableRandom(11);
        for (int length = 0; length <= 40; length++) {
            for (int i = 0; i < 20; i++) {
                StringBuilder value = new StringBuilder();
                for (int j = 0; j < length; j++) {
                    value.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                values.add(value.toString());
            }
        }
        List<String> differences = new ArrayList<>();
        try (Connection c = database.connection();
                PreparedStatement s = c.prepareStatement("select v, hashtext(v) from unnest(?::text[]) as v")) {
            s.setArray(1, c.createArrayOf("text", values.toArray()));
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    byte[] utf8 = r.getString(1).getBytes(StandardCharsets.UTF_8);
                    if (CitusHash.ofText(utf8, 0, utf8.length) != r.getInt(2)) {
                        differences.add(r.getString(1));
                    }
                }
            }
        }
        assertThat(differences).as("values hashed unlike hashtext()").isEmpty();
        // an offset into a larger buffer, as the loader reads a row's field in place
        byte[] row = "xx\tabcdefghijklmnop\tyy".getBytes(StandardCharsets.UTF_8);
        byte[] field = "abcdefghijklmnop".getBytes(StandardCharsets.UTF_8);
        assertThat(CitusHash.ofText(row, 3, 16)).isEqualTo(CitusHash.ofText(field, 0, field.length));
    }
}
