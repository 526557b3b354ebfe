package shopflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;
import shopflow.web.Role;
import shopflow.web.TokenStore;

class DemoSimulatorTokenTest {

    @Test
    void the_simulators_token_outlasts_a_day_and_each_demo_revokes_the_earlier_ones() {
        try (Database database = TestDatabases.fresh()) {
            TokenStore tokens = new TokenStore(database.dataSource(), Clock.systemUTC());
            TokenStore.IssuedToken signIn = tokens.create(Role.ADMIN, "demo", Optional.empty());

            TokenStore.IssuedToken first = DemoCommand.simulatorToken(tokens);
            TokenStore.IssuedToken second = DemoCommand.simulatorToken(tokens);

            assertThat(second.expiresAt()).as("a demo's traffic runs as long as the demo").isNull();
            OffsetDateTime now = OffsetDateTime.now();
            assertThat(tokens.list()).filteredOn(token -> token.state(now).equals("active"))
                    .extracting(TokenStore.TokenInfo::id)
                    .containsExactlyInAnyOrder(signIn.id(), second.id());
            assertThat(tokens.list()).filteredOn(token -> token.id() == first.id())
                    .extracting(token -> token.state(now)).containsExactly("revoked");
        }
    }
}
