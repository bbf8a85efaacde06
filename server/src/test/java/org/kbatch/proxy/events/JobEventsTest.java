package org.kbatch.proxy.events;

import java.util.List;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

class JobEventsTest {

    @Test
    void anEventHappenedAtTheNewestOfItsTimestampsThatIsSet() {
        assertThat(JobEvents.time(new EventBuilder().withLastTimestamp("2026-01-01T00:00:03Z")
                .withFirstTimestamp("2026-01-01T00:00:01Z").build()), is("2026-01-01T00:00:03Z"));
        assertThat(JobEvents.time(new EventBuilder().withEventTime(new MicroTime("2026-01-01T00:00:02.000001Z"))
                .withFirstTimestamp("2026-01-01T00:00:01Z").build()), is("2026-01-01T00:00:02.000001Z"));
        assertThat(JobEvents.time(new EventBuilder().withFirstTimestamp("2026-01-01T00:00:01Z").build()),
                is("2026-01-01T00:00:01Z"));
        assertThat(JobEvents.time(new EventBuilder().withNewMetadata().withCreationTimestamp("2026-01-01T00:00:00Z")
                .endMetadata().build()), is("2026-01-01T00:00:00Z"));
        assertThat(JobEvents.time(new Event()), is(""));
    }

    @Test
    void onlyEventsAboutTheJobAndItsPods() {
        List<Event> events = List.of(about("Job", "j", "e1"), about("Pod", "j-abc", "e2"), about("Pod", "other", "e3"),
                about("Job", "other", "e4"), about("ConfigMap", "j", "e5"), new EventBuilder().withNewMetadata()
                        .withName("e6").endMetadata().build());

        assertThat(JobEvents.about(events, Set.of("j"), Set.of("j-abc")).stream()
                .map(e -> e.getMetadata().getName()).toList(), contains("e1", "e2"));
    }

    private static Event about(String kind, String name, String event) {
        return new EventBuilder().withNewMetadata().withName(event).endMetadata().withNewInvolvedObject()
                .withKind(kind).withName(name).endInvolvedObject().build();
    }
}
