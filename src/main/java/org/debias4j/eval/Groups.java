package org.debias4j.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Sensitive-group membership: a group index per sample plus the group names. Groups are ordered by
 * name (numerically for int ids) unless declared explicitly; a declared group may have no samples,
 * and the fairness metrics then skip it and say so.
 */
public final class Groups {
    private final List<String> names;
    private final int[] index;

    private Groups(List<String> names, int[] index) {
        this.names = List.copyOf(names);
        this.index = index;
    }

    /** Distinct ids in string order. */
    public static Groups of(String[] ids) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == null) {
                throw new IllegalArgumentException("group id at index " + i + " is null");
            }
        }
        return of(ids, new ArrayList<>(new TreeSet<>(List.of(ids))));
    }

    /**
     * Groups in the declared order; every id must be declared.
     *
     * @throws IllegalArgumentException for an undeclared id or a duplicate declaration
     */
    public static Groups of(String[] ids, List<String> declared) {
        Map<String, Integer> position = new HashMap<>();
        for (String name : declared) {
            if (position.put(name, position.size()) != null) {
                throw new IllegalArgumentException("group '" + name + "' is declared twice");
            }
        }
        int[] index = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            Integer g = position.get(ids[i]);
            if (g == null) {
                throw new IllegalArgumentException("group '" + ids[i] + "' at index " + i + " is not one of " + declared);
            }
            index[i] = g;
        }
        return new Groups(declared, index);
    }

    /** Distinct ids in numeric order. */
    public static Groups of(int[] ids) {
        TreeSet<Integer> distinct = new TreeSet<>();
        for (int id : ids) {
            distinct.add(id);
        }
        List<String> names = new ArrayList<>();
        Map<Integer, Integer> position = new HashMap<>();
        for (int id : distinct) {
            position.put(id, names.size());
            names.add(String.valueOf(id));
        }
        int[] index = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            index[i] = position.get(ids[i]);
        }
        return new Groups(names, index);
    }

    /** Groups 0..numGroups-1 (named "0", "1", ...), some possibly empty. */
    public static Groups of(int[] ids, int numGroups) {
        Rates.classLabels("group", ids, numGroups);
        List<String> names = new ArrayList<>();
        for (int g = 0; g < numGroups; g++) {
            names.add(String.valueOf(g));
        }
        return new Groups(names, ids.clone());
    }

    public int size() {
        return names.size();
    }

    public String name(int group) {
        return names.get(group);
    }

    public List<String> names() {
        return names;
    }

    /** Number of samples. */
    public int n() {
        return index.length;
    }

    /** Group index of sample i. */
    public int of(int sample) {
        return index[sample];
    }

    /** Sample indices of one group, ascending. */
    public int[] members(int group) {
        int count = 0;
        for (int g : index) {
            count += g == group ? 1 : 0;
        }
        int[] members = new int[count];
        int k = 0;
        for (int i = 0; i < index.length; i++) {
            if (index[i] == group) {
                members[k++] = i;
            }
        }
        return members;
    }
}
