package shopflow.imports;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A country's name in a file to its ISO 3166 code (the schema's addresses.country): English names
 * as Java knows them, ISO codes themselves, and the names the public retail data set uses besides
 * (EIRE, RSA, USA, ...). Unknown names give null: the customer gets no address.
 */
final class CountryCodes {

    private static final Map<String, String> CODES = codes();

    private CountryCodes() {
    }

    static String of(String name) {
        return name.isEmpty() ? null : CODES.get(name.strip().toLowerCase(Locale.ROOT));
    }

    private static Map<String, String> codes() {
        Map<String, String> codes = new HashMap<>();
        for (String code : Locale.getISOCountries()) {
            codes.put(code.toLowerCase(Locale.ROOT), code);
            codes.put(new Locale("", code).getDisplayCountry(Locale.ENGLISH).toLowerCase(Locale.ROOT), code);
        }
        codes.put("uk", "GB");
        codes.put("eire", "IE");
        codes.put("rsa", "ZA");
        codes.put("usa", "US");
        codes.put("czech republic", "CZ");
        codes.put("korea", "KR");
        return codes;
    }
}
