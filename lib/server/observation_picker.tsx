/** Links to each observation of a run (plain links: works without JavaScript). */
export function ObservationPicker(props: { run: string; page: string; ids: string[]; current?: string }) {
  if (props.ids.length < 2) return null;
  return (
    <p>
      observation: {props.ids.map((id) =>
        id === props.current
          ? <b key={id}>{id}</b>
          : <a key={id} href={`/runs/${props.run}/${props.page}?obs=${encodeURIComponent(id)}`}>{id}</a>
      ).flatMap((link, i) => (i === 0 ? [link] : [" · ", link]))}
    </p>
  );
}
