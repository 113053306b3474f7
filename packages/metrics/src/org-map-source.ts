import { EMPTY_ORG_MAP, loadOrgMap, type OrgMap } from '@seamline/journeys';
import type { Logger } from '@seamline/log';

export interface OrgMapSource {
  /** The map in force: metrics are always computed from it, so a change re-attributes history. */
  current(): OrgMap;
  /** Reads the file again; on an error the map in force stays and the error is logged and thrown. */
  reload(): Promise<OrgMap>;
}

/** The org map from a file (or none), reloadable without a restart (SIGHUP in the server). */
export async function orgMapFromFile(path: string | undefined, logger: Logger): Promise<OrgMapSource> {
  let map = path ? await loadOrgMap(path) : EMPTY_ORG_MAP;
  logger.info({ orgMap: path ?? '(none)', queues: Object.keys(map.queues).length }, 'org map loaded');
  return {
    current: () => map,
    async reload() {
      if (!path) return map;
      try {
        map = await loadOrgMap(path);
        logger.info({ orgMap: path, queues: Object.keys(map.queues).length }, 'org map reloaded');
      } catch (error) {
        logger.error({ orgMap: path, err: error }, 'org map not reloaded; the previous one stays in force');
        throw error;
      }
      return map;
    },
  };
}
