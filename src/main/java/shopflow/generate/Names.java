package shopflow.generate;

import java.util.SplittableRandom;

/**
 * Names and places for customers. Built-in lists rather than datafaker: datafaker resolves every
 * value through its expression engine (too slow for millions of rows) and shares state between
 * threads; a few dozen British names and towns are all the reports need.
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
    // city | county | postcode area
    static final String[][] TOWNS = {
        {"London", "Greater London", "SW"}, {"London", "Greater London", "N"}, {"London", "Greater London", "E"},
        {"Birmingham", "West Midlands", "B"}, {"Manchester", "Greater Manchester", "M"}, {"Leeds", "West Yorkshire", "LS"},
        {"Glasgow", "Glasgow City", "G"}, {"Liverpool", "Merseyside", "L"}, {"Bristol", "Bristol", "BS"},
        {"Sheffield", "South Yorkshire", "S"}, {"Edinburgh", "City of Edinburgh", "EH"}, {"Cardiff", "Cardiff", "CF"},
        {"Leicester", "Leicestershire", "LE"}, {"Nottingham", "Nottinghamshire", "NG"}, {"Newcastle upon Tyne", "Tyne and Wear", "NE"},
        {"Brighton", "East Sussex", "BN"}, {"Southampton", "Hampshire", "SO"}, {"Oxford", "Oxfordshire", "OX"},
        {"Cambridge", "Cambridgeshire", "CB"}, {"York", "North Yorkshire", "YO"}, {"Belfast", "County Antrim", "BT"},
        {"Norwich", "Norfolk", "NR"}, {"Exeter", "Devon", "EX"}, {"Reading", "Berkshire", "RG"}, {"Bath", "Somerset", "BA"},
        {"Aberdeen", "Aberdeenshire", "AB"}, {"Swansea", "Swansea", "SA"}, {"Coventry", "West Midlands", "CV"}};
    static final String[] EMAIL_DOMAINS = {"example.com", "example.org", "example.net", "mail.example.co.uk"};
    static final String[] SEARCH_WORDS = {"gift", "sale", "black+friday", "christmas", "cheap", "best", "new",
        "deal", "laptop", "shoes", "dress", "headphones", "tent", "lego", "perfume", "kettle", "yoga+mat"};

    private Names() {
    }

    static String pick(String[] values, SplittableRandom random) {
        return values[random.nextInt(values.length)];
    }

    /** A UK-shaped postcode such as "LS6 2QT". */
    static String postcode(String area, SplittableRandom random) {
        return area + (1 + random.nextInt(20)) + " " + random.nextInt(10)
                + (char) ('A' + random.nextInt(26)) + (char) ('A' + random.nextInt(26));
    }
}
