package shopflow.generate;

import java.util.regex.Pattern;

/**
 * A generated session's row of {@code rollups.funnel_sessions}: its first times at each stage of
 * the funnel, as rebuild_funnel_sessions() would read them back from the session's page views, cart events
 * and order, and its landing: the channel and device of its first page view. The generator has them
 * in hand as it writes the session; reading six million events back to find them was most of the
 * load's rollup rebuild. (GeneratedRollupsTest holds this definition to the SQL one.)
 */
final class FunnelSessionRow {

    static final int PAGE_VIEW = 0;
    static final int ADD = 1;
    /** No such moment: the column is null. */
    static final long NONE = Long.MIN_VALUE;

    // order_channel()'s expressions (R__44_order_facets.sql), searched case-insensitively as ~* does
    private static final Pattern SEARCH = Pattern.compile(
            "^https?://([a-z0-9-]+\\.)*(google|bing|yahoo|duckduckgo|ecosia)\\.", Pattern.CASE_INSENSITIVE);
    private static final Pattern SOCIAL = Pattern.compile(
            "^https?://([a-z0-9-]+\\.)*(facebook|instagram|tiktok|pinterest|twitter|x|linkedin|youtube)\\.",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern EMAIL = Pattern.compile("^https?://mail\\.|newsletter|utm_medium=email",
            Pattern.CASE_INSENSITIVE);

    private FunnelSessionRow() {
    }

    /**
     * Writes the row of a session whose first {@code count} events happened at {@code at}, of the
     * given kinds (as SessionEvents numbers them), pages ({@code url}, page views only) and products
     * (-1: a page without one), and that ended in an order placed at {@code orderAt} ({@link #NONE}:
     * no order). Its first page view (the first written: they are written in time order, and the
     * first of equal times gets the lowest view_id) came through {@code landingChannel} (see
     * {@link #channel}) on {@code device}.
     */
    static void write(CopyBuffer out, String session, long[] at, int[] kind, String[] url, int[] product, int count,
            long orderAt, String landingChannel, String device) {
        long firstSeen = NONE;
        long productView = NONE;
        long add = NONE;
        long checkout = NONE;
        for (int i = 0; i < count; i++) {
            if (kind[i] == PAGE_VIEW) {
                firstSeen = earliest(firstSeen, at[i]);
                if (product[i] >= 0) {
                    productView = earliest(productView, at[i]);
                }
                if (isCheckoutPage(url[i])) {
                    checkout = earliest(checkout, at[i]);
                }
            } else if (kind[i] == ADD) {
                add = earliest(add, at[i]);
            }
        }
        out.text(session);
        moment(out, firstSeen);
        moment(out, productView);
        moment(out, add);
        moment(out, checkout);
        moment(out, orderAt);
        // no page view, no landing
        out.text(firstSeen == NONE ? null : landingChannel);
        out.text(firstSeen == NONE ? null : device);
        out.endRow();
    }

    /** The channel a referrer stands for, as order_channel() (R__44_order_facets.sql) says. */
    static String channel(String referrer) {
        if (referrer == null || referrer.isEmpty()) {
            return "direct";
        } else if (SEARCH.matcher(referrer).find()) {
            return "search";
        } else if (SOCIAL.matcher(referrer).find()) {
            return "social";
        } else if (EMAIL.matcher(referrer).find()) {
            return "email";
        }
        return "referral";
    }

    /** The checkout page, as funnel_checkout_page() (R__33_rollup_funnel.sql) says: /checkout, maybe with a query. */
    static boolean isCheckoutPage(String url) {
        return url != null && (url.equals("/checkout") || url.startsWith("/checkout?"));
    }

    private static long earliest(long current, long candidate) {
        return current == NONE ? candidate : Math.min(current, candidate);
    }

    private static void moment(CopyBuffer out, long epochSecond) {
        if (epochSecond == NONE) {
            out.nullValue();
        } else {
            out.timestamp(epochSecond);
        }
    }
}
