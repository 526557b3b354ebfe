package shopflow.web;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a token may do; each role includes the ones before it. */
public enum Role {
    /** Aggregate reports, with any personal column masked. */
    VIEWER,
    /** Also customer-level reports (personal data) and CSV exports. */
    ANALYST,
    /** Also writes: tokens now, orders and inventory later. */
    ADMIN;

    public boolean includes(Role required) {
        return ordinal() >= required.ordinal();
    }

    /** The name as stored and shown: lower case. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String text) {
        return Arrays.stream(values())
                .filter(role -> role.label().equals(text == null ? "" : text.strip().toLowerCase(Locale.ROOT)))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("role '" + text + "' is not one of "
                        + Arrays.stream(values()).map(Role::label).collect(Collectors.joining(", "))));
    }
}
