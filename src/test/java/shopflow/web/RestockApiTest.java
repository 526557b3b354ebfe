package shopflow.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A supplier's delivery booked through the API: stock up, a 'restock' movement; bad input refused, nothing changed. */
class RestockApiTest {

    @RegisterExtension
    static final TestServer app = TestServer.start();

    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void stock() {
        app.sql("delete from stock_movements; delete from inventory;"
                + " insert into inventory (product_id, warehouse, quantity, reorder_level) values"
                + " (201, 'North Hub', 5, 10), (201, 'Leeds', 1999999990, 10)");
    }

    private static long value(String sql) {
        try (Connection c = app.database.connection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    @Test
    void a_delivery_raises_the_stock_and_writes_the_ledger() throws Exception {
        HttpResponse<String> response = app.post("/api/inventory/MUG/North%20Hub/restock", app.admin, "{\"quantity\": 40}");
        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode body = json(response);
        assertThat(body.get("sku").asText()).isEqualTo("MUG");
        assertThat(body.get("warehouse").asText()).isEqualTo("North Hub");
        assertThat(body.get("quantity").asInt()).isEqualTo(40);
        assertThat(body.get("stock").asInt()).isEqualTo(45);
        assertThat(value("select quantity from inventory where warehouse = 'North Hub'")).isEqualTo(45);
        assertThat(value("select count(*) from stock_movements")).isEqualTo(1);
        assertThat(value("select quantity from stock_movements where reason = 'restock' and product_id = 201"
                + " and warehouse = 'North Hub' and order_id is null and movement_id = "
                + body.get("movement_id").asLong())).isEqualTo(40);
        // the stock read back from the ledger just before the delivery is what was there
        assertThat(value("select i.quantity - (select sum(m.quantity) from stock_movements m"
                + " where m.product_id = i.product_id and m.warehouse = i.warehouse)"
                + " from inventory i where warehouse = 'North Hub'")).isEqualTo(5);
    }

    @Test
    void bad_input_is_refused_naming_what_is_wrong_and_changes_nothing() throws Exception {
        refused("/api/inventory/MUG/North%20Hub/restock", "{\"quantity\": 0}", 400, "quantity");
        refused("/api/inventory/MUG/North%20Hub/restock", "{\"quantity\": -3}", 400, "quantity");
        refused("/api/inventory/MUG/North%20Hub/restock", "{\"quantity\": 1000001}", 400, "quantity");
        refused("/api/inventory/MUG/North%20Hub/restock", "{\"quantity\": 2.5}", 400, "quantity");
        refused("/api/inventory/MUG/North%20Hub/restock", "{\"quantity\": \"40\"}", 400, "quantity");
        refused("/api/inventory/MUG/North%20Hub/restock", "{}", 400, "quantity");
        refused("/api/inventory/MUG/North%20Hub/restock", "{\"quantity\": 4, \"reason\": \"adjust\"}", 400, "reason");
        refused("/api/inventory/MUG/North%20Hub/restock", "[40]", 400, "body");
        refused("/api/inventory/TEAPOT/North%20Hub/restock", "{\"quantity\": 4}", 404, "sku");
        refused("/api/inventory/MUG/Glasgow/restock", "{\"quantity\": 4}", 404, "warehouse");
        // 1,999,999,990 + 20 passes the int the stock is kept in, less a margin
        refused("/api/inventory/MUG/Leeds/restock", "{\"quantity\": 20}", 422, "quantity");
        assertThat(app.post("/api/inventory/MUG/North%20Hub/restock", app.analyst, "{\"quantity\": 4}").statusCode())
                .isEqualTo(403);
        assertThat(app.post("/api/inventory/MUG/North%20Hub/restock", null, "{\"quantity\": 4}").statusCode())
                .isEqualTo(401);
        assertThat(value("select quantity from inventory where warehouse = 'North Hub'")).isEqualTo(5);
        assertThat(value("select quantity from inventory where warehouse = 'Leeds'")).isEqualTo(1999999990);
        assertThat(value("select count(*) from stock_movements")).isZero();
    }

    private static void refused(String path, String body, int status, String field) throws Exception {
        HttpResponse<String> response = app.post(path, app.admin, body);
        assertThat(response.statusCode()).as(path + " " + body).isEqualTo(status);
        assertThat(json(response).get("field").asText()).as(path + " " + body).isEqualTo(field);
        assertThat(json(response).get("error").asText()).isNotBlank();
    }
}
