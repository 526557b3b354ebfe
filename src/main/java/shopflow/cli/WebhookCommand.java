package shopflow.cli;

import java.io.PrintWriter;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import shopflow.alerts.WebhookSender;
import shopflow.alerts.Webhooks;
import shopflow.alerts.Webhooks.AddedWebhook;
import shopflow.alerts.Webhooks.WebhookInfo;
import shopflow.db.Database;
import shopflow.db.DatabaseOptions;
import shopflow.db.Migrations;

@Command(name = "webhook", mixinStandardHelpOptions = true,
        description = {"Send every alert raised to a URL: a JSON POST signed with HMAC-SHA256 over the body (header"
                + " X-ShopFlow-Signature: sha256=<hex>), tried again with a doubling backoff until a 2xx answer.",
            "The server ('serve', 'demo') sends them; undelivered ones survive a restart"
                + " (docs/alerts.md#webhooks)."},
        subcommands = {WebhookCommand.Add.class, WebhookCommand.ListWebhooks.class, WebhookCommand.Remove.class},
        footer = {"", "Examples:",
            "  shopflow webhook add https://hooks.example.com/shopflow",
            "  shopflow webhook list",
            "  shopflow webhook remove 2"})
public final class WebhookCommand implements Runnable {

    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static Webhooks webhooks(Database database) {
        Migrations.migrate(database);
        return new Webhooks(database.dataSource());
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a webhook and print its signing secret once (the receiver checks signatures with it).")
    static final class Add implements Runnable {
        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOptions databaseOptions;

        @Parameters(paramLabel = "URL", description = "Where to POST alerts: http:// or https://.")
        String url;

        @Override
        public void run() {
            Webhooks.check(url); // before the database starts: a bad URL changes nothing
            try (Database database = Database.open(databaseOptions)) {
                AddedWebhook added = webhooks(database).add(url);
                PrintWriter out = spec.commandLine().getOut();
                out.println(added.secret());
                out.flush();
                spec.commandLine().getErr().println("webhook " + added.id() + " -> " + added.url() + ". That is its"
                        + " signing secret, shown only now: check X-ShopFlow-Signature (sha256=<hex HMAC-SHA256 of the"
                        + " body>) with it.");
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List webhooks with their deliveries: delivered, waiting, given up, and the last error.")
    static final class ListWebhooks implements Runnable {
        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOptions databaseOptions;

        @Override
        public void run() {
            try (Database database = Database.open(databaseOptions)) {
                List<WebhookInfo> hooks = webhooks(database).list();
                PrintWriter out = spec.commandLine().getOut();
                out.printf("%4s  %-8s  %9s  %7s  %6s  %-16s  %-40s  %s%n", "id", "state", "delivered", "waiting",
                        "failed", "last try", "url", "last error");
                for (WebhookInfo hook : hooks) {
                    String waiting = hook.pending() == 0 ? "0" : hook.pending() + (hook.attemptsWaiting() == null
                            || hook.attemptsWaiting() == 0 ? "" : " (" + hook.attemptsWaiting() + "/"
                            + WebhookSender.MAX_ATTEMPTS + " tries)");
                    out.printf("%4d  %-8s  %9d  %7s  %6d  %-16s  %-40s  %s%n", hook.id(),
                            hook.removedAt() == null ? "active" : "removed", hook.delivered(), waiting, hook.failed(),
                            minutes(hook.lastAttemptAt()), hook.url(), hook.lastError() == null ? "" : hook.lastError());
                }
                out.println("(" + hooks.size() + (hooks.size() == 1 ? " webhook)" : " webhooks)"));
                out.flush();
            }
        }

        private static String minutes(OffsetDateTime moment) {
            return moment == null ? "never" : moment.format(MINUTES);
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a webhook: it gets nothing more.")
    static final class Remove implements Runnable {
        @Spec
        CommandSpec spec;

        @Mixin
        DatabaseOptions databaseOptions;

        @Parameters(paramLabel = "ID", description = "The webhook's id (see 'shopflow webhook list').")
        long id;

        @Override
        public void run() {
            try (Database database = Database.open(databaseOptions)) {
                webhooks(database).remove(id);
                spec.commandLine().getOut().println("webhook " + id + " removed");
                spec.commandLine().getOut().flush();
            }
        }
    }
}
