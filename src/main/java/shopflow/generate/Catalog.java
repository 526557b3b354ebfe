package shopflow.generate;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The products: where they sit in the tree, what they cost, and how popular they are. Popularity
 * follows a Zipf curve over a random ranking (a few best sellers, a long tail), and the same
 * weights drive draws within a department or category, so the best sellers of a category are the
 * ones bought together.
 */
final class Catalog {

    /**
     * Zipf exponent of product popularity: weight of rank r is 1 / r^s. 0.6 leaves the best seller
     * under 3 % of sales and the top 1 % of products 10-30 %, with 1,000 products as with 10,000.
     */
    static final double ZIPF_EXPONENT = 0.6;
    /** Cheaper products sell more: popularity also goes with price^-this (above 1: a dear product brings less revenue than a cheap one of its rank, so no dear product tops the sales by its price alone, and orders are worth what a UK shop's are). */
    static final double PRICE_ELASTICITY = 1.5;
    static final String[] WAREHOUSES = {"London", "Manchester", "Bristol"};
    private static final String[] ADJECTIVES = {"Classic", "Pro", "Essential", "Premium", "Compact", "Deluxe",
        "Everyday", "Ultra", "Eco", "Signature", "Original", "Studio", "Travel", "Heritage", "Max", "Lite"};

    private final CategoryTree tree;
    private final int size;
    final int[] leafIndex;
    final int[] categoryIndex;
    final int[] departmentIndex;
    final long[] priceCents;
    final long[] costCents;
    final int[] grams;
    final double[] popularity;
    final String[] names;
    final String[] brands;
    final String[] skus;
    final String[] productUrls;
    final String[] categoryUrls;
    private final WeightedSampler all;
    private final WeightedSampler[] byCategory;
    private final WeightedSampler[] byDepartment;
    private final WeightedSampler cheap;
    private final WeightedSampler expensive;

    Catalog(CategoryTree tree, int size, long seed) {
        this.tree = tree;
        this.size = size;
        SplittableRandom random = Streams.of(seed, Streams.CATALOG, 0);
        List<CategoryTree.Node> leaves = tree.leaves();
        double[] leafWeights = new double[leaves.size()];
        int[] leafIds = new int[leaves.size()];
        for (int i = 0; i < leaves.size(); i++) {
            leafWeights[i] = 0.4 + random.nextDouble() * 1.2;
            leafIds[i] = i;
        }
        WeightedSampler leafSampler = new WeightedSampler(leafIds, leafWeights);
        leafIndex = new int[size];
        categoryIndex = new int[size];
        departmentIndex = new int[size];
        priceCents = new long[size];
        costCents = new long[size];
        grams = new int[size];
        popularity = new double[size];
        names = new String[size];
        brands = new String[size];
        int[] rank = shuffledRanks(size, random);
        for (int p = 0; p < size; p++) {
            // Every leaf gets products first, then the rest follow the leaf weights.
            int leaf = p < leaves.size() ? p : leafSampler.sample(random);
            CategoryTree.Node node = leaves.get(leaf);
            CategoryTree.Department department = tree.departments().get(node.departmentIndex());
            leafIndex[p] = leaf;
            categoryIndex[p] = node.categoryIndex();
            departmentIndex[p] = node.departmentIndex();
            double logPrice = Math.log(node.minPriceCents()) + random.nextDouble()
                    * (Math.log(node.maxPriceCents()) - Math.log(node.minPriceCents()));
            // a shop price (.99), kept inside the leaf's band
            priceCents[p] = Math.max(node.minPriceCents() + 99,
                    Math.min(node.maxPriceCents() - 1, charmPrice(Math.exp(logPrice))));
            double margin = department.minMargin() + random.nextDouble() * (department.maxMargin() - department.minMargin());
            costCents[p] = Math.max(1, Math.min(priceCents[p] - 1, Math.round(priceCents[p] * (1 - margin))));
            grams[p] = node.minGrams() + random.nextInt(node.maxGrams() - node.minGrams() + 1);
            // (no further boost under £15: a £3 best seller would top the sales by sheer numbers)
            popularity[p] = Math.pow(rank[p] + 1, -ZIPF_EXPONENT)
                    * Math.pow(Math.max(priceCents[p], 1_500) / 1_500.0, -PRICE_ELASTICITY);
            brands[p] = department.brands().get(random.nextInt(department.brands().size()));
            names[p] = brands[p] + " " + ADJECTIVES[random.nextInt(ADJECTIVES.length)] + " " + node.productNoun()
                    + " " + (char) ('A' + random.nextInt(26)) + (100 + random.nextInt(900));
        }
        skus = new String[size];
        productUrls = new String[size];
        for (int p = 0; p < size; p++) {
            String code = tree.departments().get(departmentIndex[p]).name().substring(0, 3).toUpperCase(java.util.Locale.ROOT);
            skus[p] = code + "-" + tree.leaves().get(leafIndex[p]).id() + "-" + String.format("%06d", productId(p));
            productUrls[p] = "/p/" + skus[p].toLowerCase(java.util.Locale.ROOT);
        }
        categoryUrls = new String[tree.categories().size()];
        for (int c = 0; c < categoryUrls.length; c++) {
            categoryUrls[c] = "/c/" + tree.categories().get(c).slug();
        }
        all = sampler(p -> true);
        byCategory = new WeightedSampler[tree.categories().size()];
        for (int c = 0; c < byCategory.length; c++) {
            int category = c;
            byCategory[c] = sampler(p -> categoryIndex[p] == category);
        }
        byDepartment = new WeightedSampler[tree.departments().size()];
        for (int d = 0; d < byDepartment.length; d++) {
            int department = d;
            byDepartment[d] = sampler(p -> departmentIndex[p] == department);
        }
        cheap = sampler(p -> priceCents[p] <= 600);
        expensive = sampler(p -> priceCents[p] >= 30_000);
    }

    int size() {
        return size;
    }

    CategoryTree tree() {
        return tree;
    }

    /** Product ids are index + 1. */
    static int productId(int index) {
        return index + 1;
    }

    int popular(SplittableRandom random) {
        return all.sample(random);
    }

    int inCategory(int category, SplittableRandom random) {
        WeightedSampler sampler = byCategory[category];
        return sampler.size() == 0 ? popular(random) : sampler.sample(random);
    }

    int inDepartment(int department, SplittableRandom random) {
        WeightedSampler sampler = byDepartment[department];
        return sampler.size() == 0 ? popular(random) : sampler.sample(random);
    }

    /** A product of a few pounds, what card testers buy. */
    int cheap(SplittableRandom random) {
        return cheap.size() == 0 ? popular(random) : cheap.sample(random);
    }

    /** A product of hundreds of pounds, what a fraudster with a fresh account buys. */
    int expensive(SplittableRandom random) {
        return expensive.size() == 0 ? popular(random) : expensive.sample(random);
    }

    private WeightedSampler sampler(java.util.function.IntPredicate include) {
        List<Integer> chosen = new ArrayList<>();
        for (int p = 0; p < size; p++) {
            if (include.test(p)) {
                chosen.add(p);
            }
        }
        int[] items = new int[chosen.size()];
        double[] weights = new double[chosen.size()];
        for (int i = 0; i < items.length; i++) {
            items[i] = chosen.get(i);
            weights[i] = popularity[items[i]];
        }
        return new WeightedSampler(items, weights);
    }

    private static int[] shuffledRanks(int size, SplittableRandom random) {
        int[] rank = new int[size];
        for (int i = 0; i < size; i++) {
            rank[i] = i;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = rank[i];
            rank[i] = rank[j];
            rank[j] = t;
        }
        return rank;
    }

    /** Shop prices end in .99 (under £100) or 9.99 / 4.99 above. */
    private static long charmPrice(double cents) {
        if (cents < 10_000) {
            return Math.max(199, (long) Math.floor(cents / 100) * 100 + 99);
        }
        return Math.max(9_999, (long) Math.floor(cents / 500) * 500 - 1);
    }
}
