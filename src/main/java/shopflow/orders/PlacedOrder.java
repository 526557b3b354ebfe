package shopflow.orders;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.util.List;

/**
 * An order as placed: its money (GBP; total = subtotal - discount + shipping + tax, exactly) and
 * its priced lines. {@code replayed} is true when an Idempotency-Key matched an earlier request
 * and this is the order that request made.
 */
public record PlacedOrder(
        @JsonProperty("order_id") int orderId,
        @JsonProperty("order_number") String orderNumber,
        @JsonProperty("customer_id") int customerId,
        @JsonProperty("status") String status,
        @JsonProperty("subtotal") BigDecimal subtotal,
        @JsonProperty("discount_amount") BigDecimal discountAmount,
        @JsonProperty("shipping_cost") BigDecimal shippingCost,
        @JsonProperty("tax_amount") BigDecimal taxAmount,
        @JsonProperty("total_amount") BigDecimal totalAmount,
        @JsonProperty("currency") String currency,
        @JsonProperty("coupon_code") String couponCode,
        @JsonProperty("items") List<Item> items,
        @JsonProperty("replayed") boolean replayed) {

    /** A priced line. */
    public record Item(
            @JsonProperty("item_id") int itemId,
            @JsonProperty("product_id") int productId,
            @JsonProperty("quantity") int quantity,
            @JsonProperty("unit_price") BigDecimal unitPrice,
            @JsonProperty("line_total") BigDecimal lineTotal) {
    }

    public PlacedOrder {
        items = List.copyOf(items);
    }
}
