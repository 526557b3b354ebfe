package shopflow.orders;

import java.math.BigDecimal;

/** What a partial refund did: the net sales it returned, and what is left to refund of the order. */
public record Refund(long refundId, int orderId, String orderNumber, BigDecimal refunded, BigDecimal leftToRefund,
        String message) {
}
