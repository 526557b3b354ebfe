package shopflow.ingest;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What is wrong with one event of a batch: its position (from 0), the field, and why. */
public record EventError(@JsonProperty("index") int index, @JsonProperty("field") String field,
        @JsonProperty("error") String error) {
}
