package shopflow.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import shopflow.TestDatabases;
import shopflow.db.Database;

class OrderPlacementTest {

    private static Database database;
    private static ShopFixture shop;
    private static OrderPlacement placement;
    private static int customer;
    private static int shirt;   // 12.50
    private static int book;    // 8.00
    private static int lamp;    // 30.00

    @BeforeAll
    static void open() {
        database = TestDatabases.fresh();
        shop = new ShopFixture(database.dataSource());
        placement = new OrderPlacement(database.dataSource());
        customer = shop.customer();
        shirt = shop.product("12.50");
        book = shop.product("8.00");
        lamp = shop.product("30.00");
        shop.coupon("TEN", "percentage", "10", "0", null);
        shop.coupon("FIVER", "fixed", "5", "0", null);
        shop.coupon("BIGSPEND", "percentage", "20", "100", null);
        shop.coupon("ONCE", "fixed", "1", "0", 1);
        shop.update("insert into coupons (code, discount_type, discount_value, valid_from, valid_until)"
                + " values ('OLD', 'fixed', 5, current_date - 30, current_date - 1)");
    }

    @AfterAll
    static void close() {
        database.close();
    }

    private static OrderRequest request(String coupon, int... productAndQuantity) {
        List<OrderRequest.Line> lines = new java.util.ArrayList<>();
        for (int i = 0; i < productAndQuantity.length; i += 2) {
            lines.add(new OrderRequest.Line(productAndQuantity[i], productAndQuantity[i + 1]));
        }
        return new OrderRequest(customer, lines, coupon, "s-1", null);
    }

    @Test
    void a_small_order_pays_shipping_and_vat_on_top_of_list_prices() {
        PlacedOrder order = placement.place(request(null, shirt, 2, book, 1), null);

        // 2 x 12.50 + 8.00 = 33.00; under 50: shipping 4.99; VAT 20% of 37.99 = 7.598 -> 7.60
        assertThat(order.subtotal()).isEqualByComparingTo("33.00");
        assertThat(order.discountAmount()).isEqualByComparingTo("0.00");
        assertThat(order.shippingCost()).isEqualByComparingTo("4.99");
        assertThat(order.taxAmount()).isEqualByComparingTo("7.60");
        assertThat(order.totalAmount()).isEqualByComparingTo("45.59");
        assertThat(order.status()).isEqualTo("pending");
        assertThat(order.orderNumber()).matches("ORD-20\\d\\d-\\d{7,}").endsWith(String.format("%07d", order.orderId()));
        assertThat(order.items()).extracting(PlacedOrder.Item::unitPrice, PlacedOrder.Item::lineTotal)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(new BigDecimal("12.50"), new BigDecimal("25.00")),
                        org.assertj.core.groups.Tuple.tuple(new BigDecimal("8.00"), new BigDecimal("8.00")));
        assertThat(shop.scalar("select session_id || ' ' || payment_method from orders where order_id = " + order.orderId()))
                .isEqualTo("s-1 card");
        // its history starts with its creation, at the moment it was placed
        assertThat(shop.history(order.orderId())).containsExactly("->pending");
        assertThat(shop.scalar("select count(*) from order_status_changes c join orders o using (order_id)"
                + " where o.order_id = " + order.orderId() + " and c.changed_at = o.created_at")).isEqualTo("1");
    }

    @Test
    void a_percentage_coupon_can_bring_free_shipping() {
        PlacedOrder order = placement.place(request("TEN", lamp, 2), null);

        // 60.00 - 10% = 54.00 (free shipping from 50); VAT 10.80
        assertThat(order.discountAmount()).isEqualByComparingTo("6.00");
        assertThat(order.shippingCost()).isEqualByComparingTo("0.00");
        assertThat(order.taxAmount()).isEqualByComparingTo("10.80");
        assertThat(order.totalAmount()).isEqualByComparingTo("64.80");
        assertThat(order.couponCode()).isEqualTo("TEN");
        assertThat(shop.scalar("select discount_applied from order_coupons where order_id = " + order.orderId()))
                .isEqualTo("6.00");
    }

    @Test
    void a_fixed_coupon_can_take_the_order_under_the_free_shipping_line() {
        PlacedOrder order = placement.place(request("FIVER", shirt, 2, book, 2, book, 1), null);

        // 25.00 + 16.00 + 8.00 = 49.00; - 5.00 = 44.00 -> shipping 4.99; VAT 20% of 48.99 = 9.798 -> 9.80
        assertThat(order.subtotal()).isEqualByComparingTo("49.00");
        assertThat(order.totalAmount()).isEqualByComparingTo("58.79");
        assertThat(order.items()).hasSize(3);
    }

    @Test
    void every_stored_order_adds_up_to_the_penny() {
        placement.place(request("TEN", shirt, 3, book, 7), null);
        placement.place(request(null, lamp, 1), null);
        assertThat(shop.scalar("""
                select count(*) from orders o
                where o.total_amount <> o.subtotal - o.discount_amount + o.shipping_cost + o.tax_amount
                   or o.subtotal <> (select sum(line_total) from order_items i where i.order_id = o.order_id)
                   or o.tax_amount <> round((o.subtotal - o.discount_amount + o.shipping_cost) * 0.20, 2)"""))
                .isEqualTo("0");
    }

    @Test
    void coupon_conditions_are_refused_by_name_and_change_nothing() {
        Map<String, String> before = shop.checksums();

        assertThatThrownBy(() -> placement.place(request("BIGSPEND", shirt, 1), null))
                .isInstanceOfSatisfying(OrderException.class, e -> assertThat(e.field()).isEqualTo("coupon_code"))
                .hasMessage("coupon 'BIGSPEND' needs an order of at least £100.00 (this one is £12.50)");
        assertThatThrownBy(() -> placement.place(request("OLD", shirt, 1), null))
                .hasMessageStartingWith("coupon 'OLD' expired on ");
        assertThatThrownBy(() -> placement.place(request("NOPE", shirt, 1), null))
                .isInstanceOfSatisfying(OrderException.class,
                        e -> assertThat(e.kind()).isEqualTo(OrderException.Kind.UNPROCESSABLE))
                .hasMessage("coupon 'NOPE' does not exist");
        assertThatThrownBy(() -> placement.place(request(null, shirt, 1, 987_654, 1), null))
                .isInstanceOfSatisfying(OrderException.class, e -> assertThat(e.field()).isEqualTo("items[1].product_id"))
                .hasMessage("product 987654 does not exist");

        assertThat(shop.checksums()).isEqualTo(before);
    }

    @Test
    void a_coupon_is_never_used_beyond_its_limit() {
        placement.place(request("ONCE", shirt, 1), null);
        assertThatThrownBy(() -> placement.place(request("ONCE", shirt, 1), null))
                .isInstanceOfSatisfying(OrderException.class,
                        e -> assertThat(e.kind()).isEqualTo(OrderException.Kind.CONFLICT))
                .hasMessage("coupon 'ONCE' has been used up (limit 1 uses)");
        assertThat(shop.scalar("select times_used from coupons where code = 'ONCE'")).isEqualTo("1");
    }

    @Test
    void a_retry_with_the_same_idempotency_key_returns_the_first_order() {
        PlacedOrder first = placement.place(request(null, book, 3), "key-retry");
        PlacedOrder retry = placement.place(request(null, book, 3), "key-retry");

        assertThat(retry.orderId()).isEqualTo(first.orderId());
        assertThat(first.replayed()).isFalse();
        assertThat(retry.replayed()).isTrue();
        assertThat(retry.totalAmount()).isEqualTo(first.totalAmount());
        assertThat(shop.scalar("select count(*) from order_items where order_id = " + first.orderId())).isEqualTo("1");
    }

    @Test
    void the_same_idempotency_key_with_another_request_is_refused() {
        PlacedOrder first = placement.place(request(null, book, 1), "key-reused");
        Map<String, String> before = shop.checksums();

        assertThatThrownBy(() -> placement.place(request(null, book, 2), "key-reused"))
                .isInstanceOfSatisfying(OrderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(OrderException.Kind.UNPROCESSABLE);
                    assertThat(e.field()).isEqualTo("Idempotency-Key");
                })
                .hasMessage("Idempotency-Key 'key-reused' was already used for a different request (order "
                        + first.orderId() + "); use a new key for a new order");
        assertThat(shop.checksums()).isEqualTo(before);
    }

    @Test
    void a_request_body_is_read_strictly_field_by_field() throws Exception {
        ObjectMapper json = new ObjectMapper();
        OrderRequest parsed = OrderRequest.fromJson(json.readTree(
                "{\"customer_id\": 7, \"items\": [{\"product_id\": 3, \"quantity\": 2}], \"coupon_code\": \"TEN\"}"));
        assertThat(parsed).isEqualTo(new OrderRequest(7, List.of(new OrderRequest.Line(3, 2)), "TEN", null, null));

        assertThatThrownBy(() -> OrderRequest.fromJson(json.readTree(
                "{\"customer_id\": 7, \"items\": [{\"product_id\": 3, \"quantity\": \"2\"}]}")))
                .hasMessage("items[0].quantity must be a whole number, got the string \"2\"");
        assertThatThrownBy(() -> OrderRequest.fromJson(json.readTree(
                "{\"customer_id\": 7, \"items\": [{\"product_id\": 3, \"quantity\": 1001}]}")))
                .hasMessage("items[0].quantity must be between 1 and 1000, got 1001");
        assertThatThrownBy(() -> OrderRequest.fromJson(json.readTree("{\"customer\": 7}")))
                .hasMessage("unknown field 'customer'; accepted: coupon_code, customer_id, items, payment_method, session_id");
    }
}
