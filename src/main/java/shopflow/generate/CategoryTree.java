package shopflow.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The shop's category tree, three levels deep: department, category, leaf (products hang on
 * leaves). Each category has a price range, a weight range and a complementary category: baskets
 * mix a category with its complement (laptops with laptop accessories), which is what a
 * market-basket report should find.
 */
final class CategoryTree {

    /** One department: its gross margin range (cost as a share of price is 1 - margin). */
    record Department(String name, double minMargin, double maxMargin, List<String> brands) {
    }

    /** A node of the tree as loaded into {@code categories}. */
    record Node(int id, String name, Integer parentId, String slug, int level, int departmentIndex,
            int categoryIndex, long minPriceCents, long maxPriceCents, int minGrams, int maxGrams) {
    }

    // department | min margin | max margin | brands ;  then "  category | £ from-to | grams from-to | complement | leaves"
    private static final String TREE = """
            Electronics|0.15|0.35|Voltra,Northwind,Kestrel Audio,Lumen,Orbitek,Pixelcraft
              Computers|299-1899|900-3500|Computer Accessories|Laptops,Desktops,Tablets
              Computer Accessories|9-249|80-2500|Computers|Keyboards & Mice,Monitors,Storage
              Phones|79-1299|120-300|Phone Accessories|Smartphones,Feature Phones,Smartwatches
              Phone Accessories|4-59|20-200|Phones|Phone Cases,Chargers & Cables,Screen Protectors
            Home & Kitchen|0.35|0.55|Hearth & Co,Copperline,Oakfield,Nordhaus,Kitchenly
              Cookware|15-189|400-4000|Kitchen Tools|Frying Pans,Saucepans,Bakeware
              Kitchen Tools|3-89|50-900|Cookware|Utensils,Knives,Kitchen Gadgets
              Furniture|39-899|3000-40000|Home Decor|Chairs,Tables,Shelving
              Home Decor|6-149|200-5000|Furniture|Lighting,Cushions,Wall Art
            Clothing|0.45|0.65|Thread & Loom,Harbour Lane,Wildmoor,Urbanist,Fellside
              Menswear|12-199|150-1500|Shoes|Shirts,Trousers,Men's Jackets
              Womenswear|12-229|150-1500|Accessories|Dresses,Tops,Women's Coats
              Shoes|19-179|300-1500|Menswear|Trainers,Boots,Sandals
              Accessories|5-149|50-900|Womenswear|Bags,Belts,Hats
            Books|0.30|0.45|Penfold Press,Blue Heron,Inkwell,Marginalia
              Fiction|5-25|150-800|Non-fiction|Crime,Fantasy,Romance
              Non-fiction|7-40|200-1200|Stationery|History,Biography,Popular Science
              Children's Books|4-20|100-900|Building Sets|Picture Books,Early Readers,Young Adult
              Stationery|2-39|20-900|Non-fiction|Notebooks,Pens,Desk Supplies
            Sports & Outdoors|0.35|0.50|Summitline,Stride,Velo Nord,Pinecrest,Aquabound
              Fitness|8-499|200-25000|Sportswear|Weights,Yoga,Cardio Machines
              Cycling|9-1499|150-15000|Camping|Bikes,Helmets,Bike Parts
              Camping|7-399|100-6000|Cycling|Tents,Sleeping Bags,Camp Kitchen
              Sportswear|12-149|100-1200|Fitness|Running Shoes,Activewear,Swimwear
            Beauty|0.50|0.70|Petal & Pine,Lumiere,Glowhaus,Fennimore
              Skincare|5-79|50-600|Makeup|Moisturisers,Cleansers,Suncare
              Haircare|4-149|50-1200|Fragrance|Shampoo,Styling,Hair Tools
              Makeup|4-49|20-300|Skincare|Face,Eyes,Lips
              Fragrance|15-129|100-700|Haircare|Perfume,Aftershave,Gift Sets
            Toys & Games|0.35|0.50|Brickworks,Playwise,Tumbleweed,Pixel Forge
              Board Games|9-69|300-2500|Building Sets|Family Games,Strategy Games,Jigsaw Puzzles
              Building Sets|7-199|200-4000|Board Games|Bricks,Construction Kits,Marble Runs
              Outdoor Toys|6-249|200-15000|Sportswear|Garden Games,Ride-ons,Water Toys
              Video Games|19-549|100-5000|Computer Accessories|Consoles,Console Games,Gaming Accessories
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
            nodes.add(new Node(id++, department.name(), null, slug(department.name()), 1, d, -1, 0, 0, 0, 0));
        }
        for (int c = 0; c < categoryLines.size(); c++) {
            String[] f = categoryLines.get(c);
            int d = categoryDepartment.get(c);
            String[] price = f[1].split("-");
            String[] grams = f[2].split("-");
            Node node = new Node(id++, f[0], d + 1, slug(departments.get(d).name() + " " + f[0]), 2, d, c,
                    Long.parseLong(price[0]) * 100, Long.parseLong(price[1]) * 100,
                    Integer.parseInt(grams[0]), Integer.parseInt(grams[1]));
            nodes.add(node);
            categories.add(node);
        }
        complementOfCategory = new int[categories.size()];
        for (int c = 0; c < categoryLines.size(); c++) {
            String complement = categoryLines.get(c)[3];
            complementOfCategory[c] = indexOfCategory(complement);
        }
        for (int c = 0; c < categoryLines.size(); c++) {
            Node category = categories.get(c);
            for (String leaf : categoryLines.get(c)[4].split(",")) {
                Node node = new Node(id++, leaf, category.id(), slug(category.slug() + " " + leaf), 3,
                        category.departmentIndex(), c, category.minPriceCents(), category.maxPriceCents(),
                        category.minGrams(), category.maxGrams());
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
