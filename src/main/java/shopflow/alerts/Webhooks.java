package shopflow.alerts;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import shopflow.db.DatabaseException;
import shopflow.db.SqlScripts;

/** The webhooks alerts are posted to: adding one (its secret shown once), listing, removing. */
public final class Webhooks {

    private static final String ADD = SqlScripts.read("alerts/add_webhook.sql");
    private static final String LIST = SqlScripts.read("alerts/list_webhooks.sql");
    private static final String REMOVE = SqlScripts.read("alerts/remove_webhook.sql");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DataSource dataSource;

    public Webhooks(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A webhook just added, with the secret its receiver checks signatures with (shown only now). */
    public record AddedWebhook(long id, String url, String secret) {
    }

    /** A webhook and its deliveries: how many delivered, waiting, given up, and the last try's error. */
    public record WebhookInfo(long id, String url, OffsetDateTime createdAt, OffsetDateTime removedAt, long delivered,
            long pending, long failed, OffsetDateTime lastAttemptAt, String lastError, Integer attemptsWaiting) {
    }

    /**
     * Adds a webhook for {@code url} and returns it with a new secret.
     *
     * @throws IllegalArgumentException naming the URL when it is not an http(s) URL with a host
     */
    public AddedWebhook add(String url) {
        String checked = check(url);
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        String secret = "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(key);
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(ADD)) {
            s.setString(1, checked);
            s.setString(2, secret);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return new AddedWebhook(r.getLong(1), checked, secret);
            }
        } catch (SQLException e) {
            throw new DatabaseException("adding the webhook failed: " + e.getMessage(), e);
        }
    }

    public static String check(String url) {
        String text = url == null ? "" : url.strip();
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("webhook URL '" + text + "' is not a URL (" + e.getReason()
                    + "): give one like https://example.com/hooks/shopflow");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("webhook URL '" + text + "' is not http(s): give one starting with"
                    + " https:// (or http://)");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("webhook URL '" + text + "' has no host: give one like"
                    + " https://example.com/hooks/shopflow");
        }
        return text;
    }

    public List<WebhookInfo> list() {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(LIST)) {
            s.setInt(1, WebhookSender.MAX_ATTEMPTS);
            s.setInt(2, WebhookSender.MAX_ATTEMPTS);
            List<WebhookInfo> hooks = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    hooks.add(new WebhookInfo(r.getLong("webhook_id"), r.getString("url"),
                            r.getObject("created_at", OffsetDateTime.class), r.getObject("removed_at", OffsetDateTime.class),
                            r.getLong("delivered"), r.getLong("pending"), r.getLong("failed"),
                            r.getObject("last_attempt_at", OffsetDateTime.class), r.getString("last_error"),
                            (Integer) r.getObject("attempts_waiting")));
                }
            }
            return hooks;
        } catch (SQLException e) {
            throw new DatabaseException("listing webhooks failed: " + e.getMessage(), e);
        }
    }

    /**
     * Removes webhook {@code id}: it gets nothing more (its deliveries stay, as a record).
     *
     * @throws IllegalArgumentException when there is no such webhook, or it was removed already
     */
    public void remove(long id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(REMOVE)) {
            s.setLong(1, id);
            if (s.executeUpdate() == 0) {
                throw new IllegalArgumentException("no webhook " + id + " to remove ('shopflow webhook list' shows them)");
            }
        } catch (SQLException e) {
            throw new DatabaseException("removing the webhook failed: " + e.getMessage(), e);
        }
    }
}
