package org.debias4j.prune;

import org.debias4j.data.ImageDataset;

import java.util.List;

/**
 * One task of a continual sequence: its classes (global class ids, in the order of the task's local
 * labels 0..k-1), the sensitive attribute column the fairness metrics group by, and its splits with
 * task-local labels. {@code test} is the unbiased (group-balanced) test split the accuracy matrix is
 * computed on.
 */
public record ContinualTask(int index, String name, List<Integer> classes, List<String> classNames,
                            String sensitive, ImageDataset train, ImageDataset val, ImageDataset test) {
    public ContinualTask {
        classes = List.copyOf(classes);
        classNames = List.copyOf(classNames);
        if (classes.size() < 2) {
            throw new IllegalArgumentException("task " + name + " needs at least two classes, got " + classes);
        }
    }

    public int numClasses() {
        return classes.size();
    }

    /** The head (and parameter prefix "head.NAME.") of this task. */
    public String head() {
        return headName(index);
    }

    public static String headName(int task) {
        return "task" + task;
    }
}
