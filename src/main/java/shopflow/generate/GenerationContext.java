package shopflow.generate;

/** Everything a chunk needs to know about the whole data set; read-only, shared by the workers. */
record GenerationContext(long seed, Sizes sizes, DemandCalendar calendar, Catalog catalog, CouponBook coupons,
        CustomerPlan plan) {

    /** The shop keeps raw clickstream (page views, cart events) for this many days, like most shops. */
    static final int CLICKSTREAM_DAYS = 90;

    long clickstreamStart() {
        return calendar.end() - CLICKSTREAM_DAYS * 86_400L;
    }
}
