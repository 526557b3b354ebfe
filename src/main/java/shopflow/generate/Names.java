package shopflow.generate;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Names and places for customers. Built-in lists rather than datafaker: datafaker resolves every
 * value through its expression engine (too slow for millions of rows) and shares state between
 * threads; a few dozen British names and the UK's towns are all the reports need.
 */
final class Names {

    static final String[] FEMALE = {"Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophia", "Grace", "Mia", "Poppy",
        "Ella", "Lily", "Evie", "Isabella", "Sophie", "Ivy", "Freya", "Harper", "Willow", "Charlotte", "Jessica",
        "Sarah", "Emma", "Hannah", "Lucy", "Chloe", "Ruby", "Priya", "Aisha", "Zara", "Niamh"};
    static final String[] MALE = {"Oliver", "George", "Arthur", "Noah", "Muhammad", "Leo", "Oscar", "Harry",
        "Archie", "Jack", "Henry", "Charlie", "Freddie", "Theodore", "Thomas", "Jacob", "Alfie", "James", "William",
        "Daniel", "David", "Samuel", "Joseph", "Ethan", "Adam", "Rohan", "Amir", "Callum", "Rhys", "Liam"};
    static final String[] LAST = {"Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
        "Patel", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood",
        "Jackson", "Clarke", "Khan", "Hughes", "Edwards", "Turner", "Hill", "Moore", "Cooper", "Ward", "Morris",
        "King", "Watson", "Harris", "Lewis", "Baker", "Lee", "Allen", "Young", "Mitchell", "Campbell", "Kelly",
        "Anderson", "Scott", "Murphy", "Ali", "Shah", "Singh", "Begum", "Nowak", "O'Brien", "MacDonald", "Reid",
        "Murray", "Price", "Bennett", "Gray", "Chapman", "Fox", "Hunt", "Mason"};
    static final String[] STREETS = {"High Street", "Station Road", "Main Street", "Park Road", "Church Road",
        "Church Street", "London Road", "Victoria Road", "Green Lane", "Manor Road", "Church Lane", "Park Avenue",
        "The Avenue", "The Crescent", "Queens Road", "New Road", "Grange Road", "Kings Road", "Kingsway",
        "Windsor Road", "Highfield Road", "Mill Lane", "Alexander Road", "York Road", "St John's Road",
        "Main Road", "Broadway", "King Street", "The Green", "Springfield Road", "George Street", "Park Lane"};
    /**
     * UK towns and cities with the postcode area and districts of each (London by its areas),
     * weighted by population in thousands (ONS and NRS built-up areas, rounded): town | region |
     * area | first district | last district | population.
     */
    private static final String TOWN_LIST = """
            London|London|E|1|18|1500
            London|London|N|1|22|1500
            London|London|NW|1|11|1000
            London|London|SE|1|28|1800
            London|London|SW|1|20|1700
            London|London|W|1|14|1200
            Birmingham|West Midlands|B|1|48|1100
            Manchester|North West|M|1|40|550
            Leeds|Yorkshire and the Humber|LS|1|27|790
            Glasgow|Scotland|G|1|53|630
            Liverpool|North West|L|1|38|500
            Bristol|South West|BS|1|16|470
            Sheffield|Yorkshire and the Humber|S|1|14|580
            Edinburgh|Scotland|EH|1|17|530
            Cardiff|Wales|CF|10|24|360
            Leicester|East Midlands|LE|1|5|360
            Nottingham|East Midlands|NG|1|11|330
            Newcastle upon Tyne|North East|NE|1|15|300
            Brighton|South East|BN|1|3|230
            Southampton|South East|SO|14|19|250
            Oxford|South East|OX|1|4|160
            Cambridge|East of England|CB|1|5|145
            York|Yorkshire and the Humber|YO|1|32|210
            Belfast|Northern Ireland|BT|1|17|345
            Norwich|East of England|NR|1|7|145
            Exeter|South West|EX|1|4|130
            Reading|South East|RG|1|6|230
            Bath|South West|BA|1|2|95
            Aberdeen|Scotland|AB|10|25|200
            Swansea|Wales|SA|1|7|245
            Coventry|West Midlands|CV|1|6|345
            Bradford|Yorkshire and the Humber|BD|1|15|350
            Hull|Yorkshire and the Humber|HU|1|9|260
            Stoke-on-Trent|West Midlands|ST|1|6|255
            Wolverhampton|West Midlands|WV|1|14|260
            Plymouth|South West|PL|1|9|265
            Derby|East Midlands|DE|1|24|255
            Sunderland|North East|SR|1|6|175
            Portsmouth|South East|PO|1|6|205
            Luton|East of England|LU|1|4|215
            Milton Keynes|South East|MK|1|19|230
            Northampton|East Midlands|NN|1|7|225
            Middlesbrough|North East|TS|1|8|175
            Bolton|North West|BL|1|7|195
            Bournemouth|South West|BH|1|11|190
            Swindon|South West|SN|1|5|185
            Huddersfield|Yorkshire and the Humber|HD|1|9|160
            Peterborough|East of England|PE|1|7|200
            Southend-on-Sea|East of England|SS|1|9|180
            Ipswich|East of England|IP|1|5|140
            Dundee|Scotland|DD|1|5|150
            Blackpool|North West|FY|1|5|140
            Warrington|North West|WA|1|5|165
            Slough|South East|SL|1|3|165
            Gloucester|South West|GL|1|4|130
            Cheltenham|South West|GL|50|53|115
            Colchester|East of England|CO|1|4|130
            Crawley|South East|RH|10|11|120
            Basildon|East of England|SS|13|16|110
            Stockport|North West|SK|1|7|140
            Preston|North West|PR|1|5|145
            Wigan|North West|WN|1|6|105
            Oldham|North West|OL|1|9|100
            Rochdale|North West|OL|11|16|110
            Blackburn|North West|BB|1|2|120
            Burnley|North West|BB|10|12|75
            Doncaster|Yorkshire and the Humber|DN|1|5|110
            Rotherham|Yorkshire and the Humber|S|60|66|110
            Barnsley|Yorkshire and the Humber|S|70|75|95
            Wakefield|Yorkshire and the Humber|WF|1|4|100
            Halifax|Yorkshire and the Humber|HX|1|7|90
            Lincoln|East Midlands|LN|1|6|105
            Chelmsford|East of England|CM|1|3|115
            Worcester|West Midlands|WR|1|5|100
            Telford|West Midlands|TF|1|7|145
            Maidstone|South East|ME|14|16|110
            Canterbury|South East|CT|1|4|55
            Guildford|South East|GU|1|4|80
            Woking|South East|GU|21|24|105
            Watford|East of England|WD|17|19|130
            St Albans|East of England|AL|1|4|85
            Harlow|East of England|CM|17|20|85
            Stevenage|East of England|SG|1|2|90
            Bedford|East of England|MK|40|45|105
            High Wycombe|South East|HP|10|15|120
            Aylesbury|South East|HP|17|22|75
            Basingstoke|South East|RG|21|24|115
            Winchester|South East|SO|21|23|45
            Salisbury|South West|SP|1|5|45
            Poole|South West|BH|12|17|150
            Weymouth|South West|DT|3|4|55
            Taunton|South West|TA|1|3|65
            Torquay|South West|TQ|1|2|65
            Truro|South West|TR|1|4|20
            Hereford|West Midlands|HR|1|4|60
            Shrewsbury|West Midlands|SY|1|5|75
            Chester|North West|CH|1|4|80
            Carlisle|North West|CA|1|3|75
            Lancaster|North West|LA|1|2|50
            Harrogate|Yorkshire and the Humber|HG|1|3|75
            Scarborough|Yorkshire and the Humber|YO|11|12|60
            Durham|North East|DH|1|7|50
            Darlington|North East|DL|1|3|95
            Gateshead|North East|NE|8|11|120
            Newport|Wales|NP|10|20|130
            Wrexham|Wales|LL|11|14|65
            Bangor|Wales|LL|57|57|18
            Stirling|Scotland|FK|7|9|37
            Perth|Scotland|PH|1|2|47
            Inverness|Scotland|IV|1|3|47
            Paisley|Scotland|PA|1|3|77
            East Kilbride|Scotland|G|74|75|75
            Livingston|Scotland|EH|53|54|57
            Kilmarnock|Scotland|KA|1|3|46
            Ayr|Scotland|KA|6|8|46
            Derry|Northern Ireland|BT|47|48|85
            Lisburn|Northern Ireland|BT|27|28|45
            Newry|Northern Ireland|BT|34|35|27
            Eastbourne|South East|BN|20|23|100
            Hastings|South East|TN|34|35|90
            Tunbridge Wells|South East|TN|1|4|60
            Worthing|South East|BN|11|14|110
            Chichester|South East|PO|18|20|30
            Kettering|East Midlands|NN|14|16|60
            Mansfield|East Midlands|NG|18|21|110
            Grimsby|Yorkshire and the Humber|DN|31|34|90
            Scunthorpe|Yorkshire and the Humber|DN|15|17|80
            Stafford|West Midlands|ST|16|18|70
            Nuneaton|West Midlands|CV|10|11|90
            Solihull|West Midlands|B|90|94|125
            Walsall|West Midlands|WS|1|9|175
            West Bromwich|West Midlands|B|70|71|75
            Dudley|West Midlands|DY|1|3|80
            Kidderminster|West Midlands|DY|10|14|55
            Redditch|West Midlands|B|97|98|85
            Leamington Spa|West Midlands|CV|31|32|50
            Loughborough|East Midlands|LE|11|12|60
            Burton upon Trent|West Midlands|DE|13|15|75
            Chesterfield|East Midlands|S|40|45|90
            Ashford|South East|TN|23|27|75
            Southport|North West|PR|8|9|90
            Birkenhead|North West|CH|41|43|140
            St Helens|North West|WA|9|11|100
            Crewe|North West|CW|1|2|70
            Macclesfield|North West|SK|10|11|52
            Kendal|North West|LA|9|9|28
            Falmouth|South West|TR|11|11|22
            Barnstaple|South West|EX|31|32|32
            Yeovil|South West|BA|20|22|45
            Gillingham|South East|ME|7|8|105
            Dartford|South East|DA|1|2|60
            Romford|London|RM|1|7|100
            Croydon|London|CR|0|9|190
            Kingston upon Thames|London|KT|1|2|45
            Harrow|London|HA|1|3|150
            Ilford|London|IG|1|6|170
            Enfield|London|EN|1|3|130
            Bromley|London|BR|1|2|85
            Sutton|London|SM|1|3|80
            Twickenham|London|TW|1|2|60
            Uxbridge|London|UB|8|10|70
            """;
    /** One town of {@link #TOWN_LIST}. */
    record Town(String name, String region, String area, int firstDistrict, int lastDistrict) {
    }
    static final Town[] TOWNS;
    private static final WeightedSampler TOWN_SAMPLER;
    /** The letters a postcode's inward code may end in (no C, I, K, M, O or V). */
    private static final String INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ";

    /**
     * What shoppers type in the search box, most searched first: a few terms make most searches
     * and a long tail the rest (weight 1 / rank, as site-search logs show).
     */
    static final String[] SEARCH_TERMS = {"sale", "gift", "black+friday", "christmas", "dress", "trainers",
        "headphones", "laptop", "lego", "perfume", "kettle", "air+fryer", "iphone+case", "yoga+mat", "tent",
        "coat", "boots", "jeans", "phone+charger", "bike", "hoodie", "candle", "jigsaw", "hair+dryer", "backpack",
        "water+bottle", "sun+cream", "notebook", "frying+pan", "ps5", "running+shoes", "cushion", "lamp",
        "desk+chair", "monitor", "smartwatch", "board+games", "mascara", "aftershave", "bedding", "knife+set",
        "swimsuit", "sleeping+bag", "helmet", "dumbbells", "picture+books", "crime+novel", "pens", "wall+art",
        "belt", "beanie", "sandals", "tablet", "keyboard", "mouse", "ssd", "screen+protector", "baking+tray",
        "saucepan+set", "garlic+press", "coffee+table", "shelves", "leggings", "moisturiser", "shampoo",
        "lipstick", "gift+set", "strategy+game", "marble+run", "water+pistol", "ride+on", "console+games",
        "controller", "mens+jacket", "womens+coat", "tote+bag", "chinos", "shirt", "top", "cheap", "deal",
        "new", "best", "free+delivery", "next+day+delivery", "size+guide", "returns", "gift+card",
        "student+discount", "vegan", "eco", "bundle"};
    private static final WeightedSampler SEARCH_SAMPLER;

    static {
        List<String> lines = TOWN_LIST.strip().lines().toList();
        TOWNS = new Town[lines.size()];
        int[] items = new int[lines.size()];
        double[] weights = new double[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            String[] f = lines.get(i).strip().split("\\|");
            TOWNS[i] = new Town(f[0], f[1], f[2], Integer.parseInt(f[3]), Integer.parseInt(f[4]));
            items[i] = i;
            weights[i] = Double.parseDouble(f[5]);
        }
        TOWN_SAMPLER = new WeightedSampler(items, weights);
        int[] terms = new int[SEARCH_TERMS.length];
        double[] termWeights = new double[SEARCH_TERMS.length];
        for (int i = 0; i < terms.length; i++) {
            terms[i] = i;
            termWeights[i] = 1.0 / (i + 1);
        }
        SEARCH_SAMPLER = new WeightedSampler(terms, termWeights);
    }

    /** A search term: the frequent ones often, the long tail now and then. */
    static String searchTerm(SplittableRandom random) {
        return SEARCH_TERMS[SEARCH_SAMPLER.sample(random)];
    }

    static final String[] EMAIL_DOMAINS = {"example.com", "example.org", "example.net", "mail.example.co.uk"};


    private Names() {
    }

    static String pick(String[] values, SplittableRandom random) {
        return values[random.nextInt(values.length)];
    }

    /** A town, as likely as its population. */
    static Town town(SplittableRandom random) {
        return TOWNS[TOWN_SAMPLER.sample(random)];
    }

    /** A well-formed postcode of the town's area and districts, such as "LS6 2QT". */
    static String postcode(Town town, SplittableRandom random) {
        int district = town.firstDistrict() + random.nextInt(town.lastDistrict() - town.firstDistrict() + 1);
        return town.area() + district + " " + random.nextInt(10)
                + INWARD_LETTERS.charAt(random.nextInt(INWARD_LETTERS.length()))
                + INWARD_LETTERS.charAt(random.nextInt(INWARD_LETTERS.length()));
    }
}
