package shopflow.orders;

/** What a status change did: {@code changed} is false when the order already had that status. */
public record Transition(int orderId, String orderNumber, String previousStatus, String status, boolean changed,
        String message) {
}
