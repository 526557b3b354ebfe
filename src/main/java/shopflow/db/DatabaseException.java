package shopflow.db;

/** A database problem explained for the person at the keyboard: the message says what to do. */
public final class DatabaseException extends RuntimeException {

    public DatabaseException(String message) {
        super(message);
    }

    public DatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
