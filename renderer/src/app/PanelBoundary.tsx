// One panel's failure stays in that panel: a render error shows where the panel was, with a way
// to try again, while the rest of the app (the terminals, the lab's controls) keeps working.
import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** What the panel is, for the message ("the step", "the terminals"). */
  name: string;
  className?: string;
  children: ReactNode;
}

export class PanelBoundary extends Component<Props, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo) {
    console.warn(`Labvisor: ${this.props.name} failed to draw`, error, info.componentStack);
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className={`panel-failed ${this.props.className ?? ''}`} role="alert">
        <strong>Something went wrong in {this.props.name}.</strong>
        <p className="muted">{error.message}</p>
        <button type="button" className="button small" onClick={() => this.setState({ error: null })}>Try again</button>
      </div>
    );
  }
}
