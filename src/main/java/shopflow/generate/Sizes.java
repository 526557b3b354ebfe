package shopflow.generate;

/**
 * How many rows a scale factor means. Scale 1 is the shop's real size: 10,000 products, about
 * 500,000 orders, 5 million page views and 1 million cart events, and the 460,000 customers
 * (accounts) who place such orders the way a real shop's do: most once or twice
 * ({@link CustomerPlan}). {@code orders} is the aim; the customers' timelines decide the count.
 */
record Sizes(int customers, int products, int orders, int browsingSessions, int chunks) {

    /** Customers per chunk: the unit of parallel work, fixed so the rows never depend on the threads. */
    static final int CHUNK_CUSTOMERS = 1000;

    /** The accounts whose timelines come to about 500,000 orders in the two years (measured, seed 42). */
    static final int CUSTOMERS_AT_SCALE_1 = 460_000;

    static Sizes of(double scale) {
        int customers = (int) Math.max(50, Math.round(CUSTOMERS_AT_SCALE_1 * scale));
        int products = (int) Math.max(300, Math.round(10_000 * scale));
        int orders = (int) Math.max(100, Math.round(500_000 * scale));
        // Sessions that end without an order; with the ordering sessions of the last 90 days they make
        // about 5 million page views and 1 million cart events at scale 1. (1.75 million before the
        // buyers' orders followed the calendar's busy days: conversion then rose just over 4 %.)
        int browsing = (int) Math.round(1_900_000 * scale);
        int chunks = (customers + CHUNK_CUSTOMERS - 1) / CHUNK_CUSTOMERS;
        return new Sizes(customers, products, orders, browsing, chunks);
    }

    int firstCustomer(int chunk) {
        return chunk * CHUNK_CUSTOMERS + 1;
    }

    int lastCustomer(int chunk) {
        return Math.min(customers, (chunk + 1) * CHUNK_CUSTOMERS);
    }

    /** This chunk's share of the browsing sessions. */
    int browsingSessions(int chunk) {
        return browsingSessions / chunks + (chunk < browsingSessions % chunks ? 1 : 0);
    }
}
