package shopflow.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A synthetic order history in the "Online Retail" layout, for {@code bench import}: invented here,
 * deterministic for a seed, shaped like the public file (a UK gift shop's year from December 2010):
 * 4,000 products with skewed popularity, up to 4,400 customers and a quarter of the invoices from
 * guests, invoices of 21 lines on average with a long tail, 2 % cancellations of products the
 * customer bought before, postage on some invoices, a few manual and fee lines, descriptions that
 * change once for a tenth of the products, and the month-first dates of that file.
 */
public final class RetailLinesFile {

    private static final int PRODUCTS = 4_000;
    /** The public file's customers order about six times each (4,372 over 25,900 invoices). */
    private static final int CUSTOMERS = 4_400;
    private static final String HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";
    private static final String[] COUNTRIES = {"United Kingdom", "United Kingdom", "United Kingdom", "United Kingdom",
        "United Kingdom", "United Kingdom", "United Kingdom", "Germany", "France", "EIRE"};

    private RetailLinesFile() {
    }

    /** Writes about {@code lines} data lines (whole invoices) to {@code file}; returns the lines written. */
    public static long write(Path file, long lines, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<Integer, int[]> lastBasket = new HashMap<>();
        long invoices = Math.max(1, lines / 20); // about 20 lines an invoice, over a year
        double minutesApart = 365.0 * 24 * 60 / invoices;
        int customers = (int) Math.min(CUSTOMERS, Math.max(20, invoices / 6));
        LocalDateTime at = LocalDateTime.of(2010, 12, 1, 8, 0);
        long written = 0;
        int invoice = 536365;
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(HEADER);
            out.newLine();
            while (written < lines) {
                invoice++;
                at = at.plusSeconds(Math.max(1, (long) (minutesApart * 60 * random.nextDouble(0.2, 1.8))));
                String date = at.getMonthValue() + "/" + at.getDayOfMonth() + "/" + (at.getYear() % 100) + " "
                        + at.getHour() + ":" + (at.getMinute() < 10 ? "0" : "") + at.getMinute();
                boolean guest = random.nextInt(4) == 0;
                int customer = guest ? -1 : 12346 + random.nextInt(customers);
                String customerField = guest ? "" : Integer.toString(customer);
                String country = guest ? "United Kingdom" : COUNTRIES[customer % COUNTRIES.length];
                int[] earlier = guest ? null : lastBasket.get(customer);
                if (earlier != null && random.nextInt(50) == 0) {
                    // a cancellation of some of the customer's last basket
                    int n = Math.min(earlier.length, 1 + random.nextInt(3));
                    for (int i = 0; i < n; i++) {
                        written += line(out, "C" + invoice, earlier[i], -(1 + random.nextInt(6)), date, customerField,
                                country, at);
                    }
                    continue;
                }
                int size = Math.min(400, 1 + (int) (-Math.log(1 - random.nextDouble()) * 20));
                int[] basket = new int[size];
                for (int i = 0; i < size; i++) {
                    double u = random.nextDouble();
                    basket[i] = (int) (PRODUCTS * u * u); // popular products first
                    written += line(out, Integer.toString(invoice), basket[i], 1 + random.nextInt(24), date,
                            customerField, country, at);
                }
                if (!guest) {
                    lastBasket.put(customer, basket);
                }
                int extra = random.nextInt(1000);
                if (extra < 40) {
                    written += fee(out, invoice, "POST", "POSTAGE", "18.00", date, customerField, country);
                } else if (extra < 43) {
                    written += fee(out, invoice, "M", "Manual", "2.95", date, customerField, country);
                } else if (extra == 43) {
                    written += fee(out, invoice, "AMAZONFEE", "AMAZON FEE", "13.58", date, customerField, country);
                }
            }
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static int line(BufferedWriter out, String invoice, int product, int quantity, String date,
            String customer, String country, LocalDateTime at) throws IOException {
        // a tenth of the products are renamed from the second half of the year
        String renamed = product % 10 == 0 && at.getMonthValue() >= 6 && at.getYear() == 2011 ? " NEW" : "";
        out.write(invoice + "," + (20000 + product) + ",\"PRODUCT " + product + renamed + ", BOXED\"," + quantity + ","
                + date + "," + price(product) + "," + customer + "," + country);
        out.newLine();
        return 1;
    }

    private static int fee(BufferedWriter out, int invoice, String code, String description, String price,
            String date, String customer, String country) throws IOException {
        out.write(invoice + "," + code + "," + description + ",1," + date + "," + price + "," + customer + ","
                + country);
        out.newLine();
        return 1;
    }

    private static String price(int product) {
        int pence = 29 + (product * 37) % 1200;
        return pence / 100 + "." + (pence % 100 < 10 ? "0" : "") + pence % 100;
    }
}
