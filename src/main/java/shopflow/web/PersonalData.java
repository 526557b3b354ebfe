package shopflow.web;

/**
 * Masks a value of a column declared {@code personal} for roles that may not see personal data:
 * enough is left to tell rows apart at a glance, nothing to identify anyone.
 */
final class PersonalData {

    static final String MASK = "***";

    private PersonalData() {
    }

    /** {@code alice@example.com} becomes {@code a***@example.com}; other text keeps its first character. */
    static Object mask(Object value) {
        if (value == null) {
            return null;
        }
        String text = value.toString();
        if (text.isEmpty()) {
            return text;
        }
        int at = text.indexOf('@');
        if (at > 0) {
            return text.charAt(0) + MASK + text.substring(at);
        }
        return value instanceof CharSequence ? text.charAt(0) + MASK : MASK;
    }
}
