package shopflow.clv;

/**
 * One customer's history as the models see it, times in weeks since their first order: {@code orders}
 * counted orders (so {@code orders - 1} repeat purchases), the last of them at {@code lastWeek}, the
 * moment of the fit at {@code ageWeeks} ({@code T}), and their average order value in GBP.
 */
public record Buyer(long customerId, int orders, double lastWeek, double ageWeeks, double avgOrderValue) {

    public Buyer {
        if (orders < 1 || lastWeek < 0 || ageWeeks < lastWeek) {
            throw new IllegalArgumentException("a buyer has at least one order, the last by the moment of the fit: " + orders
                    + " orders, last at week " + lastWeek + ", age " + ageWeeks + " weeks");
        }
    }

    /** From whole shop days: the first, last order's and the fit's day. */
    public static Buyer ofDays(long customerId, int orders, int firstDay, int lastDay, int asOfDay, double avgOrderValue) {
        return new Buyer(customerId, orders, (lastDay - firstDay) / 7.0, (asOfDay - firstDay) / 7.0, avgOrderValue);
    }

    int repeats() {
        return orders - 1;
    }
}
