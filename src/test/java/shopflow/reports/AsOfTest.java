package shopflow.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AsOfTest {

    private static final ZoneId LONDON = ZoneId.of("Europe/London");

    @Test
    void a_time_without_offset_is_the_shops_local_time() {
        // 30 June is British Summer Time: 12:00 in London is 11:00 UTC.
        assertThat(AsOf.parse("2026-06-30T12:00", LONDON).toInstant()).isEqualTo(Instant.parse("2026-06-30T11:00:00Z"));
        assertThat(AsOf.parse("2026-06-30 12:00", LONDON).toInstant()).isEqualTo(Instant.parse("2026-06-30T11:00:00Z"));
        assertThat(AsOf.parse("2026-01-15T12:00", LONDON).toInstant()).isEqualTo(Instant.parse("2026-01-15T12:00:00Z"));
    }

    @Test
    void a_time_with_an_offset_is_that_instant() {
        assertThat(AsOf.parse("2026-06-30T12:00:00Z", LONDON).toInstant()).isEqualTo(Instant.parse("2026-06-30T12:00:00Z"));
        assertThat(AsOf.parse("2026-06-30T12:00+02:00", LONDON).toInstant()).isEqualTo(Instant.parse("2026-06-30T10:00:00Z"));
    }

    @Test
    void a_date_alone_means_the_end_of_that_day() {
        assertThat(AsOf.parse("2026-06-30", LONDON)).isEqualTo(OffsetDateTime.of(2026, 7, 1, 0, 0, 0, 0, ZoneOffset.ofHours(1)));
    }

    @Test
    void nothing_given_means_the_clocks_now() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-25T09:00:00Z"), ZoneOffset.UTC);
        assertThat(AsOf.parseOrNow(null, LONDON, clock).toInstant()).isEqualTo(Instant.parse("2026-11-25T09:00:00Z"));
        assertThat(AsOf.parseOrNow(" ", LONDON, clock).toInstant()).isEqualTo(Instant.parse("2026-11-25T09:00:00Z"));
    }

    @Test
    void garbage_is_refused_with_the_accepted_forms() {
        assertThatThrownBy(() -> AsOf.parse("yesterday", LONDON))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'yesterday'")
                .hasMessageContaining("2026-06-30T12:00");
    }

    @ParameterizedTest
    @ValueSource(strings = {"-5000-01-01", "0000-01-01", "1999-12-31T23:59:59Z", "2100-01-01", "+300000-01-01",
        "+294277-01-01T00:00Z"})
    void a_moment_outside_2000_to_2100_is_refused_with_the_accepted_range(String text) {
        assertThatThrownBy(() -> AsOf.parse(text, LONDON))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("as-of '" + text + "' is out of range: accepted from 2000-01-01 to 2100-01-01 (UTC)");
    }

    @Test
    void infinity_is_not_a_moment() {
        assertThatThrownBy(() -> AsOf.parse("infinity", LONDON)).hasMessageContaining("is not a date or time");
    }

    @Test
    void the_edges_of_the_range() {
        assertThat(AsOf.parse("2000-01-01T00:00Z", LONDON)).isEqualTo(AsOf.EARLIEST);
        assertThat(AsOf.parse("2099-12-31T12:00", LONDON).getYear()).isEqualTo(2099);
    }
}
