// Docker's label filter syntax (`key=value`), for listing what carries PodLab's labels.

export function labelFilters(labels: Record<string, string>): string[] {
  return Object.entries(labels).map(([key, value]) => `${key}=${value}`);
}
