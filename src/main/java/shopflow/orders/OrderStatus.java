package shopflow.orders;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The statuses an order can have (the database holds the allowed transitions between them). */
public enum OrderStatus {
    PENDING, PROCESSING, SHIPPED, DELIVERED, CANCELLED, REFUNDED;

    /** The name stored in orders.status. */
    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OrderStatus parse(String text) {
        if (text != null) {
            for (OrderStatus status : values()) {
                if (status.dbName().equals(text.strip().toLowerCase(Locale.ROOT))) {
                    return status;
                }
            }
        }
        throw OrderException.badInput("status", "unknown status '" + text + "'; accepted: " + accepted());
    }

    static String accepted() {
        return Arrays.stream(values()).map(OrderStatus::dbName).collect(Collectors.joining(", "));
    }
}
