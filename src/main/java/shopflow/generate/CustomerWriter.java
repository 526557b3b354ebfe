package shopflow.generate;

import java.util.SplittableRandom;

/**
 * Writes a customer, their orders (through {@link OrderHistory}) and their billing and shipping
 * addresses. Each customer draws from a stream of their own, in a fixed order: who they are,
 * their orders, then what depends on them (tier, last login), so a customer's rows depend only
 * on the seed and their id.
 */
final class CustomerWriter {

    private static final double[] GENDER_SHARE = {0.49, 0.49, 0.02};
    private static final String[] PAYMENT = {"credit_card", "debit_card", "paypal", "apple_pay", "gift_card"};
    private static final double[] PAYMENT_SHARE = {0.45, 0.25, 0.20, 0.07, 0.03};

    private final GenerationContext context;
    private final CustomerPlan plan;
    private final DemandCalendar calendar;
    private final OrderHistory history;
    private final CopyBuffer customers;
    private final CopyBuffer addresses;
    private final int departments;
    private final long end;

    CustomerWriter(GenerationContext context, ChunkRows rows, OrderHistory history) {
        this.context = context;
        this.plan = context.plan();
        this.calendar = context.calendar();
        this.history = history;
        this.customers = rows.of(Table.CUSTOMERS);
        this.addresses = rows.of(Table.ADDRESSES);
        this.departments = context.catalog().tree().departments().size();
        this.end = calendar.end();
    }

    void write(int id) {
        int index = id - 1;
        SplittableRandom random = Streams.of(context.seed(), Streams.CUSTOMER, id);
        long signup = plan.signup[index];
        CustomerPlan.Kind kind = plan.kind[index];
        int gender = Streams.choose(random, GENDER_SHARE);
        String first = Names.pick(gender == 0 ? Names.FEMALE : gender == 1 ? Names.MALE
                : random.nextBoolean() ? Names.FEMALE : Names.MALE, random);
        String last = Names.pick(Names.LAST, random);
        int preferred = random.nextInt(departments);
        String payment = PAYMENT[Streams.choose(random, PAYMENT_SHARE)];
        String device = SessionWriter.device(random);

        long lastOrder = history.write(id, random, kind, signup, preferred, payment, device);

        boolean buyer = plan.orders(index) > 3;
        String tier = random.nextDouble() < (buyer ? 0.25 : 0.08) ? "pro"
                : random.nextDouble() < (buyer ? 0.07 : 0.02) ? "enterprise" : "free";
        long age = 18 + Math.min(62, Math.round(Math.abs(Streams.gaussian(random)) * 16 + random.nextInt(8)));
        long birthDay = calendar.lastDay().toEpochDay() - age * 365 - random.nextInt(365);
        long lastActivity = Math.max(signup, lastOrder);
        long lastLogin = lastActivity + (long) ((end - lastActivity) * random.nextDouble() * random.nextDouble());
        customers.number(id)
                .text(first.toLowerCase() + "." + last.toLowerCase().replace("'", "") + "." + id + "@"
                        + Names.pick(Names.EMAIL_DOMAINS, random))
                .text(first).text(last)
                .text("07" + (100 + random.nextInt(900)) + " " + (100_000 + random.nextInt(900_000)))
                .date(birthDay)
                .text(gender == 0 ? "F" : gender == 1 ? "M" : "O")
                .timestamp(signup)
                .timestamp(lastLogin)
                .bool(random.nextDouble() < 0.96)
                .text(tier)
                .endRow();
        addresses(id, random);
    }

    private void addresses(int id, SplittableRandom random) {
        Names.Town town = Names.town(random);
        String street = (1 + random.nextInt(180)) + " " + Names.pick(Names.STREETS, random);
        String postcode = Names.postcode(town, random);
        addresses.number(2L * id - 1).number(id).text("billing").text(street).text(town.name()).text(town.region())
                .text("GB").text(postcode).bool(true).endRow();
        if (random.nextDouble() < 0.2) { // ships to work or family
            town = Names.town(random);
            street = (1 + random.nextInt(180)) + " " + Names.pick(Names.STREETS, random);
            postcode = Names.postcode(town, random);
        }
        addresses.number(2L * id).number(id).text("shipping").text(street).text(town.name()).text(town.region())
                .text("GB").text(postcode).bool(true).endRow();
    }
}
