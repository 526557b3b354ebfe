package shopflow.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import shopflow.TestDatabases;
import shopflow.db.Database;

class OrderLifecycleTest {

    private static final Set<String> ALLOWED = Set.of(
            "pending>processing", "processing>shipped", "shipped>delivered",
            "pending>cancelled", "processing>cancelled", "shipped>refunded", "delivered>refunded");

    private static Database database;
    private static ShopFixture shop;
    private static OrderLifecycle lifecycle;
    private static int customer;

    @BeforeAll
    static void open() {
        database = TestDatabases.fresh();
        shop = new ShopFixture(database.dataSource());
        lifecycle = new OrderLifecycle(database.dataSource());
        customer = shop.customer();
    }

    @AfterAll
    static void close() {
        database.close();
    }

    static Stream<Arguments> every_pair_of_statuses() {
        return Stream.of(OrderStatus.values())
                .flatMap(from -> Stream.of(OrderStatus.values()).map(to -> Arguments.of(from, to)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("every_pair_of_statuses")
    void only_the_lifecycle_transitions_are_allowed_and_the_same_status_is_a_no_op(OrderStatus from, OrderStatus to) {
        int product = shop.product("10.00");
        shop.stock(product, "north", 5);
        int order = shop.order(customer, from.dbName(), product, 2);
        String key = from.dbName() + ">" + to.dbName();

        if (from == to) {
            Transition transition = lifecycle.transition(order, to);
            assertThat(transition.changed()).isFalse();
            assertThat(transition.message()).isEqualTo("order " + order + " is already " + from.dbName() + ": nothing changed");
        } else if (ALLOWED.contains(key)) {
            Transition transition = lifecycle.transition(order, to);
            assertThat(transition.changed()).isTrue();
            assertThat(transition.previousStatus()).isEqualTo(from.dbName());
            assertThat(transition.status()).isEqualTo(to.dbName());
        } else {
            assertThatThrownBy(() -> lifecycle.transition(order, to))
                    .isInstanceOfSatisfying(OrderException.class, e -> {
                        assertThat(e.kind()).isEqualTo(OrderException.Kind.CONFLICT);
                        assertThat(e.field()).isEqualTo("status");
                    })
                    .hasMessageStartingWith("order " + order + " is " + from.dbName() + ", it cannot become " + to.dbName());
        }
        String expected = from == to || !ALLOWED.contains(key) ? from.dbName() : to.dbName();
        assertThat(shop.status(order)).isEqualTo(expected);
        int expectedStock = key.equals("processing>shipped") ? 3 : 5;
        assertThat(shop.stockOf(product)).containsExactly(Map.entry("north", expectedStock));
    }

    @Test
    void a_refused_transition_names_what_the_order_can_become() {
        int order = shop.order(customer, "delivered");
        assertThatThrownBy(() -> lifecycle.transition(order, OrderStatus.PENDING))
                .hasMessage("order " + order + " is delivered, it cannot become pending; from delivered it can become: refunded");
        int cancelled = shop.order(customer, "cancelled");
        assertThatThrownBy(() -> lifecycle.transition(cancelled, OrderStatus.SHIPPED))
                .hasMessageEndingWith("from cancelled it can become: nothing (final status)");
    }

    @Test
    void shipping_twice_takes_the_stock_once() {
        int product = shop.product("10.00");
        shop.stock(product, "north", 10);
        int order = shop.order(customer, "processing", product, 4);

        assertThat(lifecycle.transition(order, OrderStatus.SHIPPED).changed()).isTrue();
        Transition again = lifecycle.transition(order, OrderStatus.SHIPPED);

        assertThat(again.changed()).isFalse();
        assertThat(again.message()).isEqualTo("order " + order + " is already shipped: nothing changed");
        assertThat(shop.stockOf(product)).containsExactly(Map.entry("north", 6));
        assertThat(shop.movements(order)).containsExactly("ship north -4");
    }

    @Test
    void a_line_ships_from_the_best_stocked_warehouse_ties_broken_by_name() {
        int product = shop.product("10.00");
        shop.stock(product, "west", 9);
        shop.stock(product, "north", 12);
        shop.stock(product, "east", 12);
        int order = shop.order(customer, "processing", product, 8);

        lifecycle.transition(order, OrderStatus.SHIPPED);

        assertThat(shop.stockOf(product)).containsExactly(Map.entry("east", 4), Map.entry("north", 12), Map.entry("west", 9));
        assertThat(shop.movements(order)).containsExactly("ship east -8");
    }

    @Test
    void a_line_no_warehouse_can_fill_alone_is_split_most_stock_first() {
        int product = shop.product("10.00");
        int other = shop.product("5.00");
        shop.stock(product, "north", 3);
        shop.stock(product, "south", 4);
        shop.stock(product, "west", 0);
        shop.stock(other, "north", 2);
        int order = shop.order(customer, "processing", product, 6, other, 2);

        lifecycle.transition(order, OrderStatus.SHIPPED);

        assertThat(shop.stockOf(product)).containsExactly(Map.entry("north", 1), Map.entry("south", 0), Map.entry("west", 0));
        assertThat(shop.stockOf(other)).containsExactly(Map.entry("north", 0));
        assertThat(shop.movements(order)).containsExactly("ship south -4", "ship north -2", "ship north -2");
    }

    @Test
    void not_enough_stock_refuses_the_shipment_and_changes_nothing() {
        int plenty = shop.product("10.00");
        int scarce = shop.product("10.00");
        shop.stock(plenty, "north", 50);
        shop.stock(scarce, "north", 1);
        shop.stock(scarce, "south", 2);
        int order = shop.order(customer, "processing", plenty, 5, scarce, 4);
        Map<String, String> before = shop.checksums();

        assertThatThrownBy(() -> lifecycle.transition(order, OrderStatus.SHIPPED))
                .isInstanceOfSatisfying(OrderException.class,
                        e -> assertThat(e.kind()).isEqualTo(OrderException.Kind.UNPROCESSABLE))
                .hasMessageStartingWith("not enough stock to ship order " + order + ": product " + scarce + " needs 4")
                .hasMessageEndingWith("3 in stock across all warehouses");

        assertThat(shop.checksums()).isEqualTo(before);
        assertThat(shop.status(order)).isEqualTo("processing");
    }

    @Test
    void a_refund_puts_the_stock_back_where_it_came_from() {
        int product = shop.product("10.00");
        shop.stock(product, "north", 3);
        shop.stock(product, "south", 4);
        int order = shop.order(customer, "processing", product, 6);
        lifecycle.transition(order, OrderStatus.SHIPPED);
        lifecycle.transition(order, OrderStatus.DELIVERED);

        lifecycle.transition(order, OrderStatus.REFUNDED);
        Transition again = lifecycle.transition(order, OrderStatus.REFUNDED);

        assertThat(again.changed()).isFalse();
        assertThat(shop.stockOf(product)).containsExactly(Map.entry("north", 3), Map.entry("south", 4));
        assertThat(shop.movements(order)).containsExactly("ship south -4", "ship north -2", "return north 2", "return south 4");
    }

    @Test
    void a_refund_straight_from_shipped_also_returns_the_stock() {
        int product = shop.product("10.00");
        shop.stock(product, "north", 5);
        int order = shop.order(customer, "processing", product, 5);
        lifecycle.transition(order, OrderStatus.SHIPPED);

        lifecycle.transition(order, OrderStatus.REFUNDED);

        assertThat(shop.stockOf(product)).containsExactly(Map.entry("north", 5));
    }

    @Test
    void cancelling_before_shipping_moves_no_stock() {
        int product = shop.product("10.00");
        shop.stock(product, "north", 5);
        int order = shop.order(customer, "pending", product, 2);
        lifecycle.transition(order, OrderStatus.PROCESSING);

        lifecycle.transition(order, OrderStatus.CANCELLED);

        assertThat(shop.stockOf(product)).containsExactly(Map.entry("north", 5));
        assertThat(shop.movements(order)).isEmpty();
    }

    @Test
    void stock_always_equals_initial_stock_plus_movements() {
        int a = shop.product("10.00");
        int b = shop.product("10.00");
        shop.stock(a, "north", 10);
        shop.stock(a, "south", 7);
        shop.stock(b, "north", 4);
        int first = shop.order(customer, "processing", a, 12, b, 1);
        int second = shop.order(customer, "processing", a, 3, b, 3);
        int third = shop.order(customer, "processing", b, 1);
        lifecycle.transition(first, OrderStatus.SHIPPED);
        lifecycle.transition(second, OrderStatus.SHIPPED);
        lifecycle.transition(first, OrderStatus.REFUNDED);
        lifecycle.transition(third, OrderStatus.SHIPPED);

        // By hand: first ships a 10 north + 2 south, b 1; second a 3 south, b 3; first's refund
        // returns a 10 north + 2 south and b 1; third ships that b 1 again.
        String mismatches = shop.scalar("""
                select count(*) from inventory i
                left join (select product_id, warehouse, sum(quantity) as moved from stock_movements group by 1, 2) m
                       using (product_id, warehouse)
                where i.product_id in (%d, %d)
                  and i.quantity <> coalesce(m.moved, 0) + (case
                        when i.product_id = %d and i.warehouse = 'north' then 10
                        when i.product_id = %d and i.warehouse = 'south' then 7
                        else 4 end)""".formatted(a, b, a, a));
        assertThat(mismatches).isEqualTo("0");
        assertThat(shop.stockOf(a)).containsExactly(Map.entry("north", 10), Map.entry("south", 4));
        assertThat(shop.stockOf(b)).containsExactly(Map.entry("north", 0));
    }

    @Test
    void an_unknown_order_is_not_found() {
        assertThatThrownBy(() -> lifecycle.transition(999_999, OrderStatus.SHIPPED))
                .isInstanceOfSatisfying(OrderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(OrderException.Kind.NOT_FOUND);
                    assertThat(e.field()).isEqualTo("order_id");
                })
                .hasMessage("order 999999 does not exist");
    }

    @Test
    void an_unknown_status_is_refused_with_the_accepted_ones() {
        assertThatThrownBy(() -> OrderStatus.parse("dispatched"))
                .hasMessage("unknown status 'dispatched'; accepted: pending, processing, shipped, delivered, cancelled, refunded");
        int order = shop.order(customer, "pending");
        assertThatThrownBy(() -> shop.update("select * from order_transition(" + order + ", 'dispatched')"))
                .hasMessageContaining("unknown status 'dispatched'; accepted: pending, processing");
    }

    @Test
    void every_status_change_is_recorded_whoever_makes_it() {
        int product = shop.product("10.00");
        shop.stock(product, "north", 5);
        int order = shop.order(customer, "pending", product, 1);

        lifecycle.transition(order, OrderStatus.PROCESSING);
        shop.update("call process_order(" + order + ", 'shipped')");
        lifecycle.transition(order, OrderStatus.SHIPPED);
        shop.update("update orders set status = 'delivered' where order_id = " + order);

        // the repeated shipped changed nothing and recorded nothing
        assertThat(shop.history(order)).containsExactly(
                "->pending", "pending>processing", "processing>shipped", "shipped>delivered");
    }

    @Test
    void orders_out_of_step_with_their_history_are_named() {
        int product = shop.product("10.00");
        int order = shop.order(customer, "pending", product, 1);
        assertThat(StatusHistory.disagreements(database.dataSource())).isEmpty();

        shop.update("delete from order_status_changes where order_id = " + order);
        assertThat(StatusHistory.disagreements(database.dataSource())).hasValueSatisfying(problem -> assertThat(problem)
                .startsWith("1 order(s) whose status is not the last change of their history")
                .contains("order " + order + " is pending, its history is empty"));

        shop.update("insert into order_status_changes (order_id, from_status, to_status) values (" + order
                + ", null, 'pending')");
        assertThat(StatusHistory.disagreements(database.dataSource())).isEmpty();
    }

    @Test
    void psql_users_get_the_same_rules_from_process_order_and_from_a_plain_update() {
        int product = shop.product("10.00");
        shop.stock(product, "north", 5);
        int order = shop.order(customer, "processing", product, 2);

        shop.update("call process_order(" + order + ", 'shipped')");
        shop.update("call process_order(" + order + ", 'shipped')");

        assertThat(shop.stockOf(product)).containsExactly(Map.entry("north", 3));
        assertThatThrownBy(() -> shop.update("update orders set status = 'pending' where order_id = " + order))
                .hasMessageContaining("order " + order + " is shipped, it cannot become pending");
        assertThat(shop.status(order)).isEqualTo("shipped");
    }

    @Test
    void two_changes_racing_on_one_order_are_dated_in_the_order_they_were_made() throws Exception {
        int order = shop.order(customer, "pending");
        try (Connection first = database.dataSource().getConnection();
                Connection second = database.dataSource().getConnection()) {
            first.setAutoCommit(false);
            second.setAutoCommit(false);
            // the second transaction starts first (its now() is the earlier), then waits for the order
            try (Statement s = second.createStatement()) {
                s.execute("select now()");
            }
            Thread.sleep(20);
            try (Statement s = first.createStatement()) {
                s.execute("select * from order_transition(" + order + ", 'processing')");
            }
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
                try (Statement s = second.createStatement()) {
                    s.execute("select * from order_transition(" + order + ", 'cancelled')");
                    second.commit();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(200); // the second is waiting for the first's lock on the order
            first.commit();
            waiting.get(30, TimeUnit.SECONDS);
        }
        // in time order as they were made: processing (the first to take the order), then cancelled
        assertThat(shop.scalar("select string_agg(to_status, '>' order by changed_at, change_id)"
                + " from order_status_changes where order_id = " + order)).endsWith("processing>cancelled");
    }
}
