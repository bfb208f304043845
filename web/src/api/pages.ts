// Reads every page of a List call, so a long list is never cut off silently.

// Calls `fetchPage` with each next page token until the server returns none, and joins the
// items `itemsOf` takes from each page.
export async function readAllPages<Page extends { nextPageToken: string }, Item>(
  fetchPage: (pageToken: string) => Promise<Page>,
  itemsOf: (page: Page) => Item[],
): Promise<Item[]> {
  const items: Item[] = [];
  let pageToken = "";
  do {
    const page = await fetchPage(pageToken);
    items.push(...itemsOf(page));
    pageToken = page.nextPageToken;
  } while (pageToken);
  return items;
}
