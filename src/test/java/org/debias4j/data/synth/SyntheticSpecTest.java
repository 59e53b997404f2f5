package org.debias4j.data.synth;

import org.debias4j.util.Json;
import org.debias4j.util.UserException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticSpecTest {
    @Test
    void presetsExistAndRoundTripThroughJson() {
        assertTrue(SyntheticSpec.presetNames().containsAll(
                List.of("default", "rulers", "instrument", "skin", "unbiased", "tiny", "multiclass")));
        for (String name : SyntheticSpec.presetNames()) {
            SyntheticSpec s = SyntheticSpec.preset(name);
            assertEquals(name, s.name());
            assertEquals(List.of("train", "val", "test_unbiased", "test_flipped"), s.splitNames());
            SyntheticSpec back = Json.MAPPER.convertValue(Json.MAPPER.valueToTree(s), SyntheticSpec.class);
            assertEquals(s, back, name);
            assertEquals(s.fingerprint(), back.fingerprint());
        }
    }

    @Test
    void defaultPresetMatchesTheBrief() {
        SyntheticSpec s = SyntheticSpec.defaults();
        assertEquals(64, s.imageSize());
        assertEquals(2, s.numClasses());
        assertEquals(8, s.devices());
        assertEquals(new SplitSpec("train", 2000, 0.95, null, null, null), s.split("train"));
        assertEquals(new SplitSpec("val", 400, 0.95, null, null, null), s.split("val"));
        assertEquals(new SplitSpec("test_unbiased", 1000, 0.5, null, null, null), s.split("test_unbiased"));
        assertEquals(new SplitSpec("test_flipped", 1000, 0.05, null, null, null), s.split("test_flipped"));
        assertEquals(0.2, s.baseRates().marked());
        assertEquals(0.5, SyntheticSpec.preset("unbiased").split("train").marked());
        assertEquals(0.05, SyntheticSpec.preset("unbiased").split("test_flipped").marked());
        assertEquals(0.95, SyntheticSpec.preset("instrument").split("train").device());
        assertNull(SyntheticSpec.preset("instrument").split("train").marked());
        assertEquals(32, SyntheticSpec.preset("tiny").imageSize());
    }

    @Test
    void unknownPresetListsTheKnownOnes() {
        UserException e = assertThrows(UserException.class, () -> SyntheticSpec.preset("nope"));
        assertTrue(e.getMessage().contains("nope"));
        assertTrue(e.getMessage().contains("default, rulers, instrument, skin, unbiased, tiny"), e.getMessage());
    }

    @Test
    void invalidValuesAreUserErrorsNamingTheField() {
        SyntheticSpec s = SyntheticSpec.defaults();
        assertTrue(assertThrows(UserException.class, () -> s.withImageSize(16)).getMessage().contains("imageSize"));
        assertTrue(assertThrows(UserException.class, () -> s.withNumClasses(7)).getMessage().contains("numClasses"));
        assertTrue(assertThrows(UserException.class, () -> s.withDevices(9)).getMessage().contains("devices"));
        assertTrue(assertThrows(UserException.class, () -> s.withCorrelation("train", BiasAttribute.RULER, 1.5))
                .getMessage().contains("ruler"));
        assertTrue(assertThrows(UserException.class, () -> s.withClassPrevalence(List.of(0.5, 0.6)))
                .getMessage().contains("sum to 1"));
        assertTrue(assertThrows(UserException.class, () -> s.withSplits(List.of(SplitSpec.independent("a", 1),
                SplitSpec.independent("a", 2)))).getMessage().contains("twice"));
    }

    @Test
    void fingerprintIgnoresTheNameButNotTheContent() {
        SyntheticSpec s = SyntheticSpec.defaults();
        assertEquals(s.fingerprint(), s.withName("other").fingerprint());
        assertNotEquals(s.fingerprint(), s.withSeed(1).fingerprint());
        assertTrue(s.sameGeneration(s.withName("x")));
    }

    @Test
    void alignedClassesAreMelanomaOrTheFirstHalf() {
        SyntheticSpec b = SyntheticSpec.defaults();
        assertTrue(b.alignedClass(1));
        assertTrue(!b.alignedClass(0));
        SyntheticSpec m = b.withNumClasses(6);
        assertTrue(m.alignedClass(0) && m.alignedClass(2) && !m.alignedClass(3));
        assertEquals(List.of("benign", "melanoma"), b.classNames());
        assertEquals(6, m.classPrevalence().size());
    }

    @Test
    void sampleAttributesAreJacksonSerialisable() throws Exception {
        SampleAttributes a = SyntheticBenchmark.samples(SyntheticSpec.preset("tiny"), "train").get(5);
        String json = Json.write(a);
        assertEquals(a, Json.MAPPER.readValue(json, SampleAttributes.class));
        assertTrue(json.contains("\"renderSeed\""), json);
    }
}
