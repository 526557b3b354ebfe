package shopflow.clv;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;

/** The server's daily refit, on an empty shop (whose fit keeps the reason: no orders). */
class DailyRefitTest {

    @Test
    void fits_when_there_is_no_fit_then_not_again_until_the_last_is_a_day_old() {
        try (Database database = TestDatabases.fresh()) {
            CustomerValueFits fits = new CustomerValueFits(database.dataSource());
            List<String> log = new ArrayList<>();
            Instant start = Instant.parse("2026-06-30T11:00:00Z");
            assertThat(new DailyRefit(fits, Clock.fixed(start, ZoneOffset.UTC), log::add).refitIfDue()).isPresent();
            assertThat(log).singleElement().asString().contains("fitted on 0 customers")
                    .contains("too little history to predict customer value: 0 customers with a repeat order");
            Clock hourLater = Clock.fixed(start.plusSeconds(3600), ZoneOffset.UTC);
            assertThat(new DailyRefit(fits, hourLater, log::add).refitIfDue()).isEmpty();
            Clock dayLater = Clock.fixed(start.plus(DailyRefit.AGE), ZoneOffset.UTC);
            CustomerValueFits.Fit next = new DailyRefit(fits, dayLater, log::add).refitIfDue().orElseThrow();
            assertThat(next.asOf().toInstant()).isEqualTo(start.plus(DailyRefit.AGE));
            assertThat(fits.latest(next.asOf()).orElseThrow().fitId()).isEqualTo(next.fitId());
            assertThat(log).hasSize(2);
        }
    }
}
