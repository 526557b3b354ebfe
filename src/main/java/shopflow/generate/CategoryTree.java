package shopflow.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The shop's category tree, three levels deep: department, category, leaf (products hang on
 * leaves). Each leaf has a price range and the noun its products are called by, each category a
 * weight range and a complementary category: baskets
 * mix a category with its complement (laptops with laptop accessories), which is what a
 * market-basket report should find.
 */
final class CategoryTree {

    /** One department: its gross margin range (cost as a share of price is 1 - margin). */
    record Department(String name, double minMargin, double maxMargin, List<String> brands) {
    }

    /** A node of the tree as loaded into {@code categories}. */
    record Node(int id, String name, Integer parentId, String slug, int level, int departmentIndex,
            int categoryIndex, long minPriceCents, long maxPriceCents, int minGrams, int maxGrams, String productNoun) {
    }

    // department | min margin | max margin | brands ;  then "  category | grams from-to | complement | leaves",
    // each leaf "plural name:one product's noun:£ from-to", the price band of a UK high-street or
    // online retailer for it (docs/generator.md)
    private static final String TREE = """
            Electronics|0.15|0.35|Voltra,Northwind,Kestrel Audio,Lumen,Orbitek,Pixelcraft
              Computers|900-3500|Computer Accessories|Laptops:Laptop:299-1499,Desktops:Desktop PC:399-1499,Tablets:Tablet:99-899
              Computer Accessories|80-2500|Computers|Keyboards & Mice:Keyboard:9-129,Monitors:Monitor:89-449,Storage:Portable SSD:19-199
              Phones|120-300|Phone Accessories|Smartphones:Smartphone:99-1199,Feature Phones:Feature Phone:19-89,Smartwatches:Smartwatch:49-399
              Phone Accessories|20-200|Phones|Phone Cases:Phone Case:5-39,Chargers & Cables:Charging Cable:5-49,Screen Protectors:Screen Protector:4-19
            Home & Kitchen|0.35|0.55|Hearth & Co,Copperline,Oakfield,Nordhaus,Kitchenly
              Cookware|400-4000|Kitchen Tools|Frying Pans:Frying Pan:12-89,Saucepans:Saucepan:15-149,Bakeware:Baking Tray:5-39
              Kitchen Tools|50-900|Cookware|Utensils:Utensil Set:3-25,Knives:Chef's Knife:8-149,Kitchen Gadgets:Garlic Press:5-79
              Furniture|3000-40000|Home Decor|Chairs:Dining Chair:35-399,Tables:Coffee Table:59-799,Shelving:Shelving Unit:25-299
              Home Decor|200-5000|Furniture|Lighting:Table Lamp:12-149,Cushions:Cushion:6-39,Wall Art:Wall Print:9-99
            Clothing|0.45|0.65|Thread & Loom,Harbour Lane,Wildmoor,Urbanist,Fellside
              Menswear|150-1500|Shoes|Shirts:Shirt:12-69,Trousers:Chinos:15-79,Men's Jackets:Men's Jacket:35-199
              Womenswear|150-1500|Accessories|Dresses:Dress:15-120,Tops:Top:8-49,Women's Coats:Women's Coat:39-229
              Shoes|300-1500|Menswear|Trainers:Trainers:25-139,Boots:Ankle Boots:35-179,Sandals:Sandals:15-69
              Accessories|50-900|Womenswear|Bags:Tote Bag:12-149,Belts:Leather Belt:8-45,Hats:Beanie Hat:6-39
            Books|0.30|0.45|Penfold Press,Blue Heron,Inkwell,Marginalia
              Fiction|150-800|Non-fiction|Crime:Crime Novel:5-15,Fantasy:Fantasy Novel:5-20,Romance:Romance Novel:4-12
              Non-fiction|200-1200|Stationery|History:History Book:8-30,Biography:Biography:7-25,Popular Science:Science Book:8-25
              Children's Books|100-900|Building Sets|Picture Books:Picture Book:4-15,Early Readers:Early Reader:4-10,Young Adult:Young Adult Novel:5-15
              Stationery|20-900|Non-fiction|Notebooks:Notebook:3-25,Pens:Pen Set:2-30,Desk Supplies:Desk Organiser:3-39
            Sports & Outdoors|0.35|0.50|Summitline,Stride,Velo Nord,Pinecrest,Aquabound
              Fitness|200-25000|Sportswear|Weights:Dumbbell Set:10-199,Yoga:Yoga Mat:8-59,Cardio Machines:Exercise Bike:149-999
              Cycling|150-15000|Camping|Bikes:Hybrid Bike:199-1499,Helmets:Cycle Helmet:20-149,Bike Parts:Bike Light:5-99
              Camping|100-6000|Cycling|Tents:Tent:39-399,Sleeping Bags:Sleeping Bag:19-149,Camp Kitchen:Camping Stove:7-79
              Sportswear|100-1200|Fitness|Running Shoes:Running Shoes:39-149,Activewear:Leggings:12-69,Swimwear:Swimsuit:10-49
            Beauty|0.50|0.70|Petal & Pine,Lumiere,Glowhaus,Fennimore
              Skincare|50-600|Makeup|Moisturisers:Moisturiser:5-59,Cleansers:Cleanser:4-35,Suncare:Sun Cream:5-29
              Haircare|50-1200|Fragrance|Shampoo:Shampoo:3-25,Styling:Styling Gel:4-29,Hair Tools:Hair Dryer:19-299
              Makeup|20-300|Skincare|Face:Foundation:5-45,Eyes:Mascara:4-35,Lips:Lipstick:4-29
              Fragrance|100-700|Haircare|Perfume:Eau de Parfum:19-129,Aftershave:Aftershave:19-99,Gift Sets:Gift Set:15-89
            Toys & Games|0.35|0.50|Brickworks,Playwise,Tumbleweed,Pixel Forge
              Board Games|300-2500|Building Sets|Family Games:Family Game:9-45,Strategy Games:Strategy Game:15-69,Jigsaw Puzzles:Jigsaw Puzzle:8-29
              Building Sets|200-4000|Board Games|Bricks:Brick Set:8-199,Construction Kits:Construction Kit:10-89,Marble Runs:Marble Run:12-59
              Outdoor Toys|200-15000|Sportswear|Garden Games:Garden Game:10-79,Ride-ons:Ride-on Car:25-199,Water Toys:Water Pistol:6-49
              Video Games|100-5000|Computer Accessories|Consoles:Games Console:199-479,Console Games:Console Game:19-69,Gaming Accessories:Game Controller:12-149
            """;

    private final List<Department> departments = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final List<Node> leaves = new ArrayList<>();
    private final List<Node> categories = new ArrayList<>();
    private final int[] complementOfCategory;

    CategoryTree() {
        List<String[]> categoryLines = new ArrayList<>();
        List<Integer> categoryDepartment = new ArrayList<>();
        for (String line : TREE.strip().lines().toList()) {
            if (!line.startsWith(" ")) {
                String[] f = line.split("\\|");
                departments.add(new Department(f[0], Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        List.of(f[3].split(","))));
            } else {
                categoryLines.add(line.strip().split("\\|"));
                categoryDepartment.add(departments.size() - 1);
            }
        }
        int id = 1;
        for (int d = 0; d < departments.size(); d++) {
            Department department = departments.get(d);
            nodes.add(new Node(id++, department.name(), null, slug(department.name()), 1, d, -1, 0, 0, 0, 0, null));
        }
        for (int c = 0; c < categoryLines.size(); c++) {
            String[] f = categoryLines.get(c);
            int d = categoryDepartment.get(c);
            String[] grams = f[1].split("-");
            // the category's price range spans its leaves'
            long min = Long.MAX_VALUE;
            long max = 0;
            for (String leaf : f[3].split(",")) {
                String[] price = leaf.split(":")[2].split("-");
                min = Math.min(min, Long.parseLong(price[0]) * 100);
                max = Math.max(max, Long.parseLong(price[1]) * 100);
            }
            Node node = new Node(id++, f[0], d + 1, slug(departments.get(d).name() + " " + f[0]), 2, d, c,
                    min, max, Integer.parseInt(grams[0]), Integer.parseInt(grams[1]), null);
            nodes.add(node);
            categories.add(node);
        }
        complementOfCategory = new int[categories.size()];
        for (int c = 0; c < categoryLines.size(); c++) {
            String complement = categoryLines.get(c)[2];
            complementOfCategory[c] = indexOfCategory(complement);
        }
        for (int c = 0; c < categoryLines.size(); c++) {
            Node category = categories.get(c);
            for (String spec : categoryLines.get(c)[3].split(",")) {
                String[] leaf = spec.split(":");
                String[] price = leaf[2].split("-");
                Node node = new Node(id++, leaf[0], category.id(), slug(category.slug() + " " + leaf[0]), 3,
                        category.departmentIndex(), c, Long.parseLong(price[0]) * 100, Long.parseLong(price[1]) * 100,
                        category.minGrams(), category.maxGrams(), leaf[1]);
                nodes.add(node);
                leaves.add(node);
            }
        }
    }

    List<Department> departments() {
        return departments;
    }

    /** Every node, parents before children (ids 1..n in this order). */
    List<Node> nodes() {
        return nodes;
    }

    List<Node> leaves() {
        return leaves;
    }

    /** The second level: what baskets group and complement by. */
    List<Node> categories() {
        return categories;
    }

    int complementOf(int categoryIndex) {
        return complementOfCategory[categoryIndex];
    }

    private int indexOfCategory(String name) {
        for (int i = 0; i < categories.size(); i++) {
            if (categories.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalStateException("unknown complementary category " + name);
    }

    private static String slug(String text) {
        return text.toLowerCase(Locale.ROOT).replace("&", "and").replace("'", "").replaceAll("[^a-z0-9]+", "-");
    }
}
